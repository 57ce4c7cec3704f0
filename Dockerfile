# cchc-bot: slim, non-root image; migrations run before the bot starts.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
# Dependencies first, so code changes do not rebuild this layer.
COPY pyproject.toml README.md ./
RUN mkdir -p bot core sandbox handlers webapp scheduler storage plans locales \
    && for d in bot core sandbox handlers webapp scheduler storage plans locales; do touch $d/__init__.py; done \
    && python -m venv /opt/venv \
    && /opt/venv/bin/pip install . \
    && /opt/venv/bin/pip uninstall -y cchc-bot
COPY . .
# The compiled message catalogs (locales/<lang>/compiled.json): the bot cannot write
# into its own package folder at run time, and parsing the .po files slows every start.
RUN /opt/venv/bin/pip install --no-deps . && cd / && /opt/venv/bin/python -m locales

FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PTB_TIMEDELTA=1 \
    MPLCONFIGDIR=/home/cchc/.cache/matplotlib \
    DATABASE_URL=sqlite+aiosqlite:////data/cchc-bot.sqlite3
RUN useradd --create-home --uid 10001 cchc && mkdir -p /data && chown cchc:cchc /data
COPY --from=build /opt/venv /opt/venv
COPY docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
USER cchc
# Build matplotlib's font cache once, not on the first /bieudo.
RUN python -c "import matplotlib.font_manager"
WORKDIR /home/cchc
VOLUME ["/data"]
EXPOSE 8443
# Healthy = database reachable, schema current, this container's scheduler ticked
# less than 3 ticks ago, Telegram answers (cchc-bot health; exit 0 or 1).
HEALTHCHECK --interval=60s --timeout=30s --start-period=120s --retries=3 \
    CMD ["cchc-bot", "health"]
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["run"]
