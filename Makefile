# Jejak: images and the local three-node cluster. "make help" lists targets.

GO      ?= go
DOCKER  ?= docker
# Docker Compose v2 ("docker compose") if present, else docker-compose v1.
COMPOSE ?= $(shell if $(DOCKER) compose version >/dev/null 2>&1; then echo "$(DOCKER) compose"; else echo docker-compose; fi)

VERSION     ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
JEJAK_IMAGE ?= jejak:dev
NATS_IMAGE  ?= jejak-nats:dev
CA_CERTS    ?= /etc/ssl/certs/ca-certificates.crt
# The package built into the jejak image.
JEJAK_PKG   ?= ./cmd/jejak

BUILD   := deploy/build
SECRETS := deploy/secrets
# Static binaries: the images are FROM scratch.
GOBUILD := CGO_ENABLED=0 $(GO) build -trimpath -ldflags "-s -w -X main.version=$(VERSION)"

.PHONY: help images image-nats image-jejak credentials up ps logs down purge cluster-test

help:
	@echo "make images        build $(NATS_IMAGE) and $(JEJAK_IMAGE) (static binaries in $(BUILD)/)"
	@echo "make image-nats    build only $(NATS_IMAGE)"
	@echo "make credentials   write NATS passwords and the token key into $(SECRETS)/ (once)"
	@echo "make up            start nats1..3, jejak1, jejak2 with $(COMPOSE)"
	@echo "make ps | logs     show the cluster"
	@echo "make down          stop and remove the containers; data volumes are kept"
	@echo "make purge         like down, and delete the data volumes too"
	@echo "make cluster-test  build images and run deploy/clustertest (about 5 minutes)"

images: image-nats image-jejak

# rootfs DIR: the files every scratch image needs, laid out in DIR: a passwd
# entry for uid 10001, CA certificates, /tmp, and /data owned by 10001 (the
# Dockerfiles copy it with --chown).
define rootfs
	rm -rf $(1)/rootfs $(1)/data
	mkdir -p $(1)/rootfs/etc/ssl/certs $(1)/rootfs/tmp $(1)/data
	chmod 1777 $(1)/rootfs/tmp
	cp deploy/rootfs/etc/passwd deploy/rootfs/etc/group $(1)/rootfs/etc/
	cp $(CA_CERTS) $(1)/rootfs/etc/ssl/certs/ca-certificates.crt
	chmod 0644 $(1)/rootfs/etc/passwd $(1)/rootfs/etc/group $(1)/rootfs/etc/ssl/certs/ca-certificates.crt
	chmod 0755 $(1)/data
endef

image-nats:
	$(call rootfs,$(BUILD)/nats)
	$(GOBUILD) -o $(BUILD)/nats/nats-server github.com/nats-io/nats-server/v2
	$(GOBUILD) -o $(BUILD)/nats/probe ./deploy/probe
	$(DOCKER) build -q -f deploy/Dockerfile.nats -t $(NATS_IMAGE) $(BUILD)/nats

image-jejak:
	$(call rootfs,$(BUILD)/jejak)
	$(GOBUILD) -o $(BUILD)/jejak/jejak $(JEJAK_PKG)
	$(GOBUILD) -o $(BUILD)/jejak/probe ./deploy/probe
	$(DOCKER) build -q -f deploy/Dockerfile.jejak -t $(JEJAK_IMAGE) $(BUILD)/jejak

credentials:
	$(GO) run ./deploy/gencreds -dir $(SECRETS)

up: credentials
	$(COMPOSE) up -d
	$(COMPOSE) ps

ps:
	$(COMPOSE) ps

logs:
	$(COMPOSE) logs --tail=100

down:
	$(COMPOSE) down --remove-orphans

purge:
	$(COMPOSE) down -v --remove-orphans

cluster-test:
	deploy/cluster-test.sh
