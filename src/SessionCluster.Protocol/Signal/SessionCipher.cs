namespace SessionCluster.Protocol.Signal;

/// <summary>
/// Encrypts and decrypts 1:1 Signal messages against a <see cref="SessionRecord"/>, as libsignal-node's
/// <c>session_cipher.js</c> does, but as pure functions: the record passed in is never changed, and
/// the new record comes back with the result. On any decrypt failure a
/// <see cref="SignalDecryptException"/> names the reason and there is no new record.
/// </summary>
public static class SessionCipher
{
    /// <summary>
    /// Encrypts with the current session: a PreKeyWhisperMessage while the session still waits for
    /// the peer's first reply (one we initiated), a WhisperMessage after.
    /// </summary>
    /// <exception cref="InvalidOperationException">The record has no current session.</exception>
    public static EncryptResult Encrypt(SessionRecord record, LocalIdentity ours, ReadOnlySpan<byte> plaintext)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(ours);
        var state = record.Current ?? throw new InvalidOperationException("No open session to encrypt with: process a prekey bundle or a PreKeyWhisperMessage first.");
        var next = DoubleRatchet.Encrypt(state, ours, plaintext, out var whisperMessage);
        var message = state.PendingPreKey is { } pending
            ? new CiphertextMessage(
                CiphertextType.PreKey,
                PreKeyWhisperMessage.Encode(pending, state.BaseKey, ours.IdentityKey.PublicKey.Span, ours.RegistrationId, whisperMessage))
            : new CiphertextMessage(CiphertextType.Whisper, whisperMessage);
        return new EncryptResult(record.WithCurrent(next), message);
    }

    /// <summary>Decrypts a WhisperMessage ("msg") or a PreKeyWhisperMessage ("pkmsg").</summary>
    /// <exception cref="SignalDecryptException">Why the message does not decrypt; <paramref name="record"/> stays as it was.</exception>
    public static DecryptResult Decrypt(SessionRecord record, LocalIdentity ours, CiphertextMessage message, IPreKeySource preKeys)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(ours);
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(preKeys);
        return message.Type switch
        {
            CiphertextType.Whisper => DecryptWhisper(record, ours, WhisperMessage.Parse(message.Serialized)),
            CiphertextType.PreKey => DecryptPreKey(record, ours, PreKeyWhisperMessage.Parse(message.Serialized), preKeys),
            _ => throw new SignalDecryptException(DecryptFailure.InvalidMessage, $"Unknown ciphertext type {(int)message.Type}."),
        };
    }

    /// <summary>
    /// libsignal-node <c>decryptWithSessions</c>: try every session until one decrypts. It orders them
    /// by last use; we try the current session first, then the archived ones most recently used first.
    /// Only one session can verify a message's MAC, so the order decides speed, not outcome. A late
    /// message of an archived session decrypts with it; that session moves to the front of the archive
    /// and stays archived (see <see cref="SessionRecord.WithArchivedUsed"/>).
    /// </summary>
    private static DecryptResult DecryptWhisper(SessionRecord record, LocalIdentity ours, WhisperMessage message)
    {
        SignalDecryptException? firstError = null;
        SignalDecryptException? chainError = null;
        if (record.Current is { } current)
        {
            try
            {
                var next = DoubleRatchet.Decrypt(current, ours, message, out var plaintext);
                return new DecryptResult(record.WithCurrent(next), plaintext, null);
            }
            catch (SignalDecryptException e)
            {
                Remember(e, current, message, ref firstError, ref chainError);
            }
        }

        var archived = record.Archived;
        for (var i = 0; i < archived.Length; i++)
        {
            try
            {
                var next = DoubleRatchet.Decrypt(archived[i], ours, message, out var plaintext);
                return new DecryptResult(record.WithArchivedUsed(i, next), plaintext, null);
            }
            catch (SignalDecryptException e)
            {
                Remember(e, archived[i], message, ref firstError, ref chainError);
            }
        }

        // libsignal-node reports "No matching sessions found for message" whatever went wrong. We name
        // the failure of the session that has a chain for the message's ratchet key (a duplicate, a jump
        // too far, a bad MAC on a known chain), else the current session's.
        throw chainError ?? firstError ?? new SignalDecryptException(DecryptFailure.NoSession, "There is no session with this peer.");
    }

    /// <summary>
    /// libsignal-node <c>decryptPreKeyWhisperMessage</c> + <c>initIncoming</c>: a session with the
    /// message's base key (current or archived) means the peer has not seen our reply yet, so the inner
    /// message simply decrypts with it and no prekey is consumed. Otherwise a new session is built from
    /// our prekeys, becomes current, and the open one is archived.
    /// </summary>
    private static DecryptResult DecryptPreKey(SessionRecord record, LocalIdentity ours, PreKeyWhisperMessage message, IPreKeySource preKeys)
    {
        if (record.Current is { } current && IsSessionOf(current, message))
        {
            RequireSameIdentity(current, message);
            var next = DoubleRatchet.Decrypt(current, ours, message.Message, out var plaintext);
            return new DecryptResult(record.WithCurrent(next), plaintext, null);
        }

        var archived = record.Archived;
        for (var i = 0; i < archived.Length; i++)
        {
            if (IsSessionOf(archived[i], message))
            {
                // libsignal-node decrypts with the closed session and leaves it closed.
                RequireSameIdentity(archived[i], message);
                var next = DoubleRatchet.Decrypt(archived[i], ours, message.Message, out var plaintext);
                return new DecryptResult(record.WithArchivedUsed(i, next), plaintext, null);
            }
        }

        var signedPreKey = preKeys.FindSignedPreKey(message.SignedPreKeyId)
            ?? throw new SignalDecryptException(DecryptFailure.MissingPreKey, $"Signed prekey {message.SignedPreKeyId} is unknown.");
        PreKeyRecord? oneTimePreKey = null;
        if (message.PreKeyId is { } preKeyId)
        {
            oneTimePreKey = preKeys.FindPreKey(preKeyId)
                ?? throw new SignalDecryptException(DecryptFailure.MissingPreKey, $"One-time prekey {preKeyId} is unknown or already used.");
        }

        var state = SessionBuilder.InitializeAsResponder(ours, signedPreKey, oneTimePreKey, message.IdentityKey, message.BaseKey, message.RegistrationId);
        var decrypted = DoubleRatchet.Decrypt(state, ours, message.Message, out var newPlaintext);
        return new DecryptResult(record.WithNewCurrent(decrypted), newPlaintext, message.PreKeyId);
    }

    private static bool IsSessionOf(SessionState state, PreKeyWhisperMessage message) =>
        !state.BaseKeyIsOurs && message.BaseKey.AsSpan().SequenceEqual(state.BaseKey);

    /// <summary>
    /// The session's MAC uses the identity it was built with; a different identity in a later
    /// PreKeyWhisperMessage for the same base key is refused rather than ignored as libsignal-node does.
    /// </summary>
    private static void RequireSameIdentity(SessionState state, PreKeyWhisperMessage message)
    {
        if (!message.IdentityKey.AsSpan().SequenceEqual(state.RemoteIdentityKey))
        {
            throw new SignalDecryptException(DecryptFailure.InvalidMessage, "The PreKeyWhisperMessage's identity key differs from that of the session with its base key.");
        }
    }

    private static void Remember(SignalDecryptException error, SessionState state, WhisperMessage message, ref SignalDecryptException? firstError, ref SignalDecryptException? chainError)
    {
        firstError ??= error;
        if (chainError is null && state.FindReceiverChain(message.RatchetKey) >= 0)
        {
            chainError = error;
        }
    }
}
