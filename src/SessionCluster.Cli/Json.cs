using System.Text.Json;

namespace SessionCluster.Cli;

/// <summary>scctl's JSON: camelCase, indented for a person reading <c>--json</c>, one document per command.</summary>
internal static class Json
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = true };
}
