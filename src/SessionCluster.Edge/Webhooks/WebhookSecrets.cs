using System.Security.Cryptography;
using System.Text;
using SessionCluster.Sessions.State;

namespace SessionCluster.Edge.Webhooks;

/// <summary>
/// Webhook signing secrets: generated when a webhook is created without one (shown once, in the create answer), and
/// kept sealed at rest with the node's secrets key (<see cref="SecretBox"/>, AES-256-GCM) bound to the webhook's id, so
/// a copy of <c>edge.db</c> alone does not let anyone sign as the node, and a sealed secret moved to another webhook
/// does not open.
/// </summary>
public sealed class WebhookSecrets(SecretBox box)
{
    /// <summary>A new secret: <c>whsec_</c> and 32 random bytes in base64url (256 bits, as long as the HMAC key block needs).</summary>
    public static string Generate() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The id of the node key new seals use, safe to log.</summary>
    public string CurrentKeyId => box.CurrentKeyId;

    public string Seal(string webhookId, string secret) => Convert.ToBase64String(box.Seal(Encoding.UTF8.GetBytes(secret), Context(webhookId)));

    /// <summary>The secret's UTF-8 bytes: the HMAC key. Throws <see cref="SecretsException"/> when the node's key cannot open it.</summary>
    public byte[] Open(string webhookId, string sealedSecret) => box.Open(Convert.FromBase64String(sealedSecret), Context(webhookId));

    /// <summary>Whether the stored secret is sealed under a previous node key (rotation), so <see cref="Reseal"/> would move it.</summary>
    public bool NeedsReseal(string sealedSecret) => box.NeedsReseal(Convert.FromBase64String(sealedSecret));

    /// <summary>The stored secret sealed again under the current node key. Throws <see cref="SecretsException"/> as <see cref="Open"/> does.</summary>
    public string Reseal(string webhookId, string sealedSecret)
    {
        var secret = Open(webhookId, sealedSecret);
        try
        {
            return Convert.ToBase64String(box.Seal(secret, Context(webhookId)));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    private static byte[] Context(string webhookId) => Encoding.UTF8.GetBytes("webhook-secret:" + webhookId);
}
