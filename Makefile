# Container targets of the spec ("Docker: Build and Customize"), each one
# bin/nssimg call: `make -n TARGET` shows it. Override variables as usual:
#   make container-build-gpu CONTAINER_GPU_PLATFORM=linux/arm64
#   make container-build-gpu-multiarch CONTAINER_GPU_REGISTRY=ghcr.io/nvidia-nemo
#   make container-run-gpu CMD="config validate cfg.yaml"

NSSIMG ?= bin/nssimg
CONTAINER_GPU_IMAGE ?= nss-gpu:latest
CONTAINER_GPU_IMAGE_DEV ?= nss-gpu-dev:latest
CONTAINER_GPU_PLATFORM ?= linux/amd64
CONTAINER_GPU_REGISTRY ?=
CONTAINER_GPU_FLAG ?= --gpus all
CONTAINER_HF_CACHE ?= $(HOME)/.cache/huggingface
CONTAINER_EXTRA_MOUNTS ?=
# The CPU-only CI image (container-build-test, test-ci-container), named as upstream names it.
CONTAINER_TEST_IMAGE ?= nss-test:latest
CONTAINER_TEST_FILE ?= containers/Dockerfile.test_ci
CONTAINER_TEST_PLATFORM ?= linux/amd64
# The command of the run targets (default: --help in the runtime image, make test in the
# dev image, make test-ci in the CI image).
CMD ?=
# Optional nssimg profile (containers/profiles.yaml), e.g. PROFILE=arm64-devel.
PROFILE ?=
# Where make install puts nssimg: PREFIX/bin/nssimg, PREFIX/lib/nssimg/.
PREFIX ?= $(HOME)/.local

profile_flag = $(if $(PROFILE),--profile $(PROFILE))
# Variables left at their defaults are not passed, so a PROFILE's own platform
# and images apply; nssimg's defaults are the same as the ones above.
overridden = $(if $(filter environment% command%,$(origin $(1))),$(2))
platform_flag = $(call overridden,CONTAINER_GPU_PLATFORM,--platform $(CONTAINER_GPU_PLATFORM))
image_flag = $(call overridden,CONTAINER_GPU_IMAGE,--tag $(CONTAINER_GPU_IMAGE))
image_dev_flag = $(call overridden,CONTAINER_GPU_IMAGE_DEV,--tag $(CONTAINER_GPU_IMAGE_DEV))
run_image_flag = $(call overridden,CONTAINER_GPU_IMAGE,--image $(CONTAINER_GPU_IMAGE))
run_image_dev_flag = $(call overridden,CONTAINER_GPU_IMAGE_DEV,--image $(CONTAINER_GPU_IMAGE_DEV))
run_env = CONTAINER_GPU_FLAG='$(CONTAINER_GPU_FLAG)' CONTAINER_EXTRA_MOUNTS='$(CONTAINER_EXTRA_MOUNTS)'

.PHONY: help build install uninstall test example container-build-gpu container-build-gpu-dev container-build-gpu-multiarch \
        container-run-gpu container-run-gpu-dev container-build-test test-ci-container

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  %-32s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

build: ## Build nssimg itself (target/nssimg.jar + start-up archive)
	mvn -q -B -DskipTests package

# Rebuilt only when a source is newer, so an up-to-date tree installs without Maven.
target/nssimg.jar: pom.xml $(shell find src/main -type f)
	mvn -q -B -DskipTests package

install: target/nssimg.jar ## Install nssimg for this user in PREFIX (default ~/.local): bin/nssimg, lib/nssimg/
	scripts/install '$(PREFIX)'

uninstall: ## Remove what make install put in PREFIX
	scripts/install --uninstall '$(PREFIX)'

test: ## Start the test-bed engine if needed, then run every test
	scripts/test

example: ## Main job: build + smoke-test the real Dockerfile.cuda offline (runtime and dev) on the local engine
	scripts/example

container-build-gpu: ## Build the runtime stage
	$(NSSIMG) build $(profile_flag) --target runtime $(platform_flag) $(image_flag)

container-build-gpu-dev: ## Build the dev stage
	$(NSSIMG) build $(profile_flag) --target dev $(platform_flag) $(image_dev_flag)

container-build-gpu-multiarch: ## Build the multi-arch manifest (requires CONTAINER_GPU_REGISTRY)
	$(NSSIMG) build $(profile_flag) --target runtime --multiarch --registry '$(CONTAINER_GPU_REGISTRY)' $(image_flag)

# The run targets build first, as upstream's do (a cached build takes seconds); nssimg run itself never builds.
container-run-gpu: container-build-gpu ## Build, then run a command in the runtime container (CMD="...")
	$(run_env) $(NSSIMG) run $(profile_flag) $(run_image_flag) --hf-cache '$(CONTAINER_HF_CACHE)' -- $(CMD)

container-run-gpu-dev: container-build-gpu-dev ## Build, then run a command in the dev container (CMD="make test")
	$(run_env) $(NSSIMG) run $(profile_flag) --dev $(run_image_dev_flag) --hf-cache '$(CONTAINER_HF_CACHE)' -- $(CMD)

container-build-test: ## Build the CPU-only CI image (CONTAINER_TEST_FILE)
	$(NSSIMG) build --file '$(CONTAINER_TEST_FILE)' --platform $(CONTAINER_TEST_PLATFORM) --tag '$(CONTAINER_TEST_IMAGE)'

test-ci-container: container-build-test ## Build, then run make test-ci in the CI image with the repository at /workspace
	$(NSSIMG) run --test --image '$(CONTAINER_TEST_IMAGE)' --platform $(CONTAINER_TEST_PLATFORM) -- $(CMD)
