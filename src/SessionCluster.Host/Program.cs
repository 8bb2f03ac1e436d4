// The SessionCluster node. `dotnet run --project src/SessionCluster.Host [-- --data PATH]`; every setting is in
// docs/CONFIGURATION.md.
return await SessionCluster.Host.NodeHost.RunAsync(args);
