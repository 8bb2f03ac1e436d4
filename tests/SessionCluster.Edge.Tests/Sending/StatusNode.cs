namespace SessionCluster.Edge.Tests.Sending;

/// <summary>
/// A node whose session is linked to <see cref="PhoneA"/>'s simulator phone, a real Baileys companion of
/// <see cref="PhoneB"/> (in the audience of the statuses the tests post, and posting its own), and a third account
/// <see cref="PhoneC"/> (its simulator phone only) that is never in an audience.
/// </summary>
public sealed class StatusNode() : BaileysPeerNode(PhoneA, PhoneB, Session)
{
    public const string PhoneA = "15550611001";
    public const string PhoneB = "15550611002";
    public const string PhoneC = "15550611003";
    public const string Session = "status";

    protected override async Task OnLinkedAsync() => await SimulatorPhones.CreateAccountAsync(Node.Simulator, PhoneC);
}
