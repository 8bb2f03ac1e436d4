using SessionCluster.Protocol.Wa.Client;

namespace SessionCluster.Protocol.Handshake;

/// <summary>
/// How a companion presents itself while registering: <paramref name="Name"/> is <c>DeviceProps.os</c>, the name the phone
/// lists under "Linked devices", and <paramref name="Platform"/> picks the icon next to it (docs/PROTOCOL.md §3).
/// </summary>
public sealed record CompanionDevice(string Name, DeviceProps.Types.PlatformType Platform)
{
    /// <summary>"SessionCluster" shown as a Chrome browser, the platform Baileys and whatsmeow default to.</summary>
    public static CompanionDevice Default { get; } = new("SessionCluster", DeviceProps.Types.PlatformType.Chrome);
}
