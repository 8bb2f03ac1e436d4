// The SessionCluster node. `dotnet run --project src/SessionCluster.Host [-- --data PATH]`; every setting is in
// docs/CONFIGURATION.md. `probe [live|ready|URL]` instead asks a running node's health endpoint and exits 0 or 1 (the
// container image's HEALTHCHECK; docs/CONTAINER.md).
using SessionCluster.Host.Health;

return NodeProbe.IsProbe(args)
    ? await NodeProbe.RunAsync(args[1..], Console.Out)
    : await SessionCluster.Host.NodeHost.RunAsync(args);
