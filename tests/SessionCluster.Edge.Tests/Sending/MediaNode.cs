using SessionCluster.Edge.Tests.Media;

namespace SessionCluster.Edge.Tests.Sending;

/// <summary>
/// A node that may fetch links from loopback (where the tests' <see cref="MediaSource"/> serves files) and takes at
/// most 2 MB per link, the source beside it, a session linked to <see cref="PhoneA"/>'s simulator phone, and a real
/// Baileys companion of <see cref="PhoneB"/> to receive what the session sends.
/// </summary>
public sealed class MediaNode() : BaileysPeerNode(PhoneA, PhoneB, Session, "--SC:Edge:Media:AllowPrivateNetworks=true", $"--SC:Edge:Media:MaxBytes={MaxLinkBytes}")
{
    public const long MaxLinkBytes = 2_000_000;
    public const string PhoneA = "15550601001";
    public const string PhoneB = "15550601002";
    public const string Session = "media";

    internal MediaSource Source { get; private set; } = null!;

    protected override async Task OnLinkedAsync() => Source = await MediaSource.StartAsync();

    protected override async ValueTask OnDisposeAsync()
    {
        if (Source is not null)
        {
            await Source.DisposeAsync();
        }
    }
}
