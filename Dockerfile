# syntax=docker/dockerfile:1
# The SessionCluster node as a container image (docs/CONTAINER.md). From the repository root:
#   docker build -t sessioncluster .
#   docker run -p 5080:5080 -v sessioncluster-data:/data sessioncluster
# There is no Docker engine in CI: tests/SessionCluster.Host.Tests/Packaging/DockerfileTests runs this file's publish
# command and entrypoint, with its environment, and reads its stages, user and health check.

# Build: the SDK publishes the node framework-dependent and portable. libsodium comes from its NuGet package as
# runtimes/<rid>/native/libsodium.so (linux-x64, linux-arm64, linux-musl-*), which the .NET host picks from
# SessionCluster.Host.deps.json for the machine it runs on; so one output serves amd64 and arm64.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,id=nuget,target=/root/.nuget/packages \
    dotnet publish src/SessionCluster.Host -c Release -o /app -p:UseAppHost=false

# Run: the ASP.NET Core runtime image, as its non-root user `app` (uid $APP_UID, 1654).
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app .
# Everything the node keeps (the SQLite journal and edge database, admin.key, secrets.key) is under /data.
RUN mkdir -p /data && chown "$APP_UID" /data
VOLUME /data
ENV SC__Node__HttpUrl=http://0.0.0.0:5080 \
    SC__Node__DataFolder=/data
USER $APP_UID
# 5080 HTTP (health, REST /v1, gRPC h2c); 5081 Akka remoting; 8558 the cluster bootstrap's contact point (Kubernetes).
EXPOSE 5080 5081 8558
HEALTHCHECK --interval=10s --timeout=10s --start-period=60s --retries=3 CMD ["dotnet", "SessionCluster.Host.dll", "probe"]
ENTRYPOINT ["dotnet", "SessionCluster.Host.dll"]
