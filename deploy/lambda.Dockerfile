# pyfun as an AWS Lambda container image (custom runtime, DESIGN §6). `bootstrap` is the entrypoint; the CMD
# names what the function serves: router (all routes), or one of the old image's four functions
# (stages_info, stage_info, lesson_info, lesson_verify, or lambda_app.<name>_handler), so an existing
# deployment only swaps its image and keeps its CMD overrides.
#
#   docker build -f deploy/lambda.Dockerfile -t pyfun-lambda .     (from the repository root)
#
# Settings are environment variables of the function: PYFUN_LESSONS (dir:<path>; default the lessons in this
# image), PYFUN_COMPAT=pyfun-v2 (the deployed frontend), PYFUN_CORS_ORIGIN. The image runs as any non-root
# user on a read-only root file system: learner programs get their work folders under /tmp, Lambda's only
# writable place.

FROM debian:12 AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends g++ cmake ninja-build pkg-config libboost1.81-dev \
      libboost-json1.81-dev libboost-url1.81-dev libssl-dev libseccomp-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release -DPYFUN_ENTRYPOINT=lambda -DBUILD_TESTING=OFF \
 && cmake --build /build --target bootstrap \
 && strip /build/bin/bootstrap

FROM debian:12-slim
# python3 rather than python3-minimal: the runtime-validator harness imports json, which only the full standard
# library has. The Boost.JSON and OpenSSL shared libraries are what bootstrap links against.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 libboost-json1.81.0 libssl3 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /build/bin/bootstrap /var/runtime/bootstrap
COPY lessons /var/task/lessons
# Lambda sets LAMBDA_TASK_ROOT itself; setting it here makes the image behave the same under a local Runtime
# Interface Emulator. PYFUN_PYTHON spares the PATH search at every cold start.
ENV LAMBDA_TASK_ROOT=/var/task \
    PYFUN_PYTHON=/usr/bin/python3
WORKDIR /var/task
USER 65532:65532
ENTRYPOINT ["/var/runtime/bootstrap"]
CMD ["router"]
