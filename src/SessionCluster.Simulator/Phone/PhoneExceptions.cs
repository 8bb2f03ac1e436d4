namespace SessionCluster.Simulator.Phone;

/// <summary>The phone cannot send this message (unknown or own recipient, not a user jid).</summary>
internal sealed class PhoneSendException(string message) : Exception(message);

/// <summary>
/// A delivered message the phone cannot read for a reason outside the Signal engine (no ciphertext, bad padding, a sender
/// key it does not have). <see cref="ForceKeys"/>: the retry receipt should carry the phone's keys at once.
/// </summary>
internal sealed class PhoneDecryptException(string message, bool forceKeys) : Exception(message)
{
    public bool ForceKeys { get; } = forceKeys;
}
