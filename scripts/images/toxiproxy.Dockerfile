# Stand-in for ghcr.io/shopify/toxiproxy, built by scripts/images.sh where no registry is reachable:
# toxiproxy-server built with CGO_ENABLED=0 from the Go module proxy, on scratch like the official image.
# Its API listens on 8474; the proxies it is told to create listen on the ports the caller picks.
FROM scratch
COPY toxiproxy-server /toxiproxy-server
EXPOSE 8474
ENTRYPOINT ["/toxiproxy-server"]
CMD ["-host=0.0.0.0"]
