namespace SessionCluster.Interop.Tests.Simulator;

/// <summary>
/// What a Baileys client holds about LID addressing: its Signal session ids (libsignal addresses such as
/// <c>263058267256411_1.1</c> for a LID device, <c>15550001111.1</c> for a PN one) and the LID mapping stored for one
/// phone number (<c>lid@lid</c> and back to <c>pn@s.whatsapp.net</c>; null when none is stored).
/// </summary>
public sealed record BaileysLidState(IReadOnlyList<string> Sessions, string? LidForPn, string? PnForLid);
