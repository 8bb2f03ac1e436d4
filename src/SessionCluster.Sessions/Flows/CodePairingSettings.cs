namespace SessionCluster.Sessions.Flows;

/// <summary>How long linking by pairing code waits for the user to type the code on the phone.</summary>
public sealed record CodePairingSettings
{
    public static CodePairingSettings Default { get; } = new();

    /// <summary>
    /// How long a code stays usable, counted from the moment the session starts the registering connection; then the
    /// session closes the connection and reports <see cref="LinkFailure.CodeExpired"/>. Default 160 s: the server ties
    /// a code to its connection (the ref is only valid there), and that connection lives as long as its QR refs do,
    /// 60 s + 5 × 20 s (docs/PROTOCOL.md §6 step 3; whatsmeow's PairPhone notes the code's own expiry is unknown and
    /// this is the limit). Once companion_finish has gone out the timer no longer applies: the phone has the code.
    /// </summary>
    public TimeSpan CodeLifetime { get; init; } = TimeSpan.FromSeconds(160);
}
