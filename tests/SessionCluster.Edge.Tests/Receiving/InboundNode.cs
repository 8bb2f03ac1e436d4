using SessionCluster.Edge.Tests.Webhooks;

namespace SessionCluster.Edge.Tests.Receiving;

/// <summary>
/// A node with a session linked to <see cref="PhoneA"/>'s simulator phone, a real Baileys companion of
/// <see cref="PhoneB"/> that sends to it, and a Cloud-format webhook of the session posting to <see cref="Cloud"/>.
/// </summary>
public sealed class InboundNode() : BaileysPeerNode(PhoneA, PhoneB, Session)
{
    public const string PhoneA = "15550611001";
    public const string PhoneB = "15550611002";
    public const string Session = "inbox";

    /// <summary>Receives the session's Cloud-format webhook posts.</summary>
    public WebhookReceiver Cloud { get; private set; } = null!;

    protected override async Task OnLinkedAsync()
    {
        Cloud = await WebhookReceiver.StartAsync();
        var hook = await WebhookTestKit.CreateWebhookAsync(Node.Http, $"/v1/sessions/{Session}/webhooks",
            new { url = Cloud.Url(), format = "cloud", verifyToken = Cloud.VerifyToken });
        Cloud.Secret = hook.GetProperty("secret").GetString()!;
    }

    protected override async ValueTask OnDisposeAsync()
    {
        if (Cloud is not null)
        {
            await Cloud.DisposeAsync();
        }
    }
}
