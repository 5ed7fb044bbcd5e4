#!/usr/bin/env bash
# Builds the images and runs the cluster test (deploy/clustertest): three NATS
# nodes and two Jejak replicas under write load, a NATS node killed, a rolling
# restart of Jejak. Takes about five minutes; figures go to
# deploy/clustertest/RESULTS.md. Extra arguments go to "go test".
#
#   deploy/cluster-test.sh
#   SKIP_IMAGES=1 deploy/cluster-test.sh -run TestCluster
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -z "${SKIP_IMAGES:-}" ]]; then
	make images
fi

# The test removes its compose project itself; this is the safety net for a
# test binary that dies without running its cleanup (go test -timeout, kill).
project="jejakct$(date +%s)$$"
cleanup() {
	local ids
	ids=$(docker ps -aq --filter "label=com.docker.compose.project=$project")
	[[ -n "$ids" ]] && docker rm -f $ids >/dev/null
	ids=$(docker volume ls -q --filter "label=com.docker.compose.project=$project")
	[[ -n "$ids" ]] && docker volume rm $ids >/dev/null
	ids=$(docker network ls -q --filter "label=com.docker.compose.project=$project")
	[[ -n "$ids" ]] && docker network rm $ids >/dev/null
	return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

JEJAK_CLUSTER_TEST=1 JEJAK_CLUSTER_PROJECT="$project" \
	go test -count=1 -v -timeout 12m ./deploy/clustertest/ "$@"
