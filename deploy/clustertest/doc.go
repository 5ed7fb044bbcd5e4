// Package clustertest checks a Jejak deployment as an operator would see it:
// docker-compose.yml brought up with three NATS JetStream nodes and two Jejak
// replicas, written to over HTTP while a NATS node is killed and while the
// Jejak replicas are restarted one by one.
//
// The test needs Docker, the images from "make images" and a few minutes, so
// it runs only when JEJAK_CLUSTER_TEST=1:
//
//	deploy/cluster-test.sh        (builds the images, then runs the test)
//
// It speaks only to the public contract: the HTTP API, the "jejak token
// issue" command inside the image, and the event stream's documented name and
// subjects (eventstore.DefaultStream, <prefix>.<aggregate-type>.<id>).
package clustertest
