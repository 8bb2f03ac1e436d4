using System.Text.Json;

namespace SessionCluster.Edge.Cloud;

/// <summary>The Cloud API's JSON: snake_case members as Meta writes them (<c>messaging_product</c>, <c>wa_id</c>).</summary>
internal static class CloudJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}
