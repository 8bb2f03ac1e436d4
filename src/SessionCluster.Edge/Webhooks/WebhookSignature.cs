using System.Security.Cryptography;

namespace SessionCluster.Edge.Webhooks;

/// <summary>
/// <c>X-Hub-Signature-256: sha256=&lt;hex&gt;</c>, the HMAC-SHA256 of the raw body keyed with the secret's UTF-8 bytes: the
/// header GitHub and Meta's Cloud API send, so receivers written for either check ours with their own code.
/// </summary>
public static class WebhookSignature
{
    public const string Header = "X-Hub-Signature-256";

    public static string Sign(ReadOnlySpan<byte> key, ReadOnlySpan<byte> body) => "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(key, body));
}
