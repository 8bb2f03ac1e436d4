namespace SessionCluster.Sessions;

/// <summary>
/// The session client's reserved log event id range (1000–1999; the simulator has 1–999, the storage layer 5000–5099, the
/// node host 7000–7099), a hundred per room: 11xx the connection (<c>Connection/ConnectionLog</c>), 12xx the flows
/// (<c>Flows/LinkingLog</c>; 1220–1239 <c>Flows/SessionEndLog</c>, 1240–1259 <c>Flows/CodePairingLog</c>, 1260–1269
/// <c>Flows/ProxyLog</c>), 13xx sending and receiving (<c>Flows/MessagingLog</c>), 14xx the ratchet actors
/// (<c>Ratchets/RatchetLog</c>), 15xx the session's state (<c>State/SessionStateLog</c>), 16xx settings, presence,
/// contact checks, calls and restart (<c>Flows/CapabilitiesLog</c>). 18xx polls (<c>Polls/PollsLog</c>). <c>EventIdTests</c> fails on a
/// duplicate, an id outside the range, or a room outside its hundred.
/// </summary>
internal static class SessionsEventIds
{
    public const int First = 1000;
    public const int Last = 1999;
}
