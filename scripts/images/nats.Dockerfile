# Stand-in for nats:2.12-alpine, built by scripts/images.sh where no registry is reachable: nats-server built with
# CGO_ENABLED=0 from the Go module proxy, the same entrypoint behaviour (arguments starting with "-" go to
# nats-server) and a wget for health checks of the monitoring port.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends busybox \
 && rm -rf /var/lib/apt/lists/* \
 && ln -s /bin/busybox /usr/local/bin/wget \
 && mkdir -p /etc/nats && printf 'port: 4222\nmonitor_port: 8222\n' >/etc/nats/nats-server.conf
COPY nats-server /usr/local/bin/nats-server
COPY docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
EXPOSE 4222 6222 8222
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["nats-server", "--config", "/etc/nats/nats-server.conf"]
