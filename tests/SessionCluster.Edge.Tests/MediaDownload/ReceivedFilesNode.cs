namespace SessionCluster.Edge.Tests.MediaDownload;

/// <summary>
/// A node with a session linked to <see cref="PhoneA"/>'s simulator phone and a real Baileys companion of
/// <see cref="PhoneB"/> that sends it files (uploaded encrypted to the simulator's media host).
/// </summary>
public sealed class ReceivedFilesNode() : BaileysPeerNode(PhoneA, PhoneB, Session)
{
    public const string PhoneA = "15550701001";
    public const string PhoneB = "15550701002";
    public const string Session = "files";
}
