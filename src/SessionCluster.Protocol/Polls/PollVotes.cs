using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Wa.E2E;

namespace SessionCluster.Protocol.Polls;

/// <summary>
/// The names a vote's key and additional data are bound to (docs/PROTOCOL.md §9 "A vote"): the poll's message id, its
/// creator and the voter, each a user jid without a device, in the form (phone number or LID) the voter used.
/// </summary>
public sealed record PollVoteContext(string PollMessageId, string PollCreatorJid, string VoterJid);

/// <summary>
/// Sealing and opening poll votes (docs/PROTOCOL.md §9 "A vote", as Baileys' process-message.js decryptPollVote and
/// whatsmeow's msgsecret.go do it). The key is HKDF-SHA256 of the poll's messageSecret with no salt and the info
/// <c>pollMsgId || pollCreatorJid || voterJid || "Poll Vote"</c> (Baileys writes that one block out as two HMACs,
/// the trailing 0x01 being HKDF's counter); the vote is AES-256-GCM under it, the 16-byte tag after the ciphertext,
/// with the additional data <c>pollMsgId || 0x00 || voterJid</c>, over a <c>PollVoteMessage</c> whose
/// selectedOptions are the SHA-256 of each chosen option's name. Pure: no state, no I/O.
/// </summary>
public static class PollVotes
{
    /// <summary>The length of a poll's messageSecret.</summary>
    public const int SecretLength = 32;

    /// <summary>The GCM IV length both clients use (whatsmeow's random 12 bytes).</summary>
    public const int IvLength = 12;

    private const int TagLength = 16;
    private const int KeyLength = 32;
    private const string UseCase = "Poll Vote";

    /// <summary>What a vote names an option by: the SHA-256 of its name's UTF-8 bytes.</summary>
    public static byte[] OptionHash(string optionName)
    {
        ArgumentNullException.ThrowIfNull(optionName);
        return SHA256.HashData(Encoding.UTF8.GetBytes(optionName));
    }

    /// <summary>Seals a vote for <paramref name="optionNames"/> (none: the vote is taken back) under a fresh random IV.</summary>
    /// <exception cref="PollVoteException"><see cref="PollVoteFailure.BadSecret"/>.</exception>
    public static PollEncValue Encrypt(ReadOnlySpan<byte> secret, PollVoteContext context, IReadOnlyList<string> optionNames) =>
        Encrypt(secret, context, optionNames, RandomNumberGenerator.GetBytes(IvLength));

    /// <summary>Seals a vote under <paramref name="iv"/> (fixed only for test vectors; an IV must never repeat under one key).</summary>
    /// <exception cref="PollVoteException"><see cref="PollVoteFailure.BadSecret"/>, or <see cref="PollVoteFailure.MalformedVote"/> for an IV that is not 12 bytes.</exception>
    public static PollEncValue Encrypt(ReadOnlySpan<byte> secret, PollVoteContext context, IReadOnlyList<string> optionNames, ReadOnlySpan<byte> iv)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(optionNames);
        if (iv.Length != IvLength)
        {
            throw new PollVoteException(PollVoteFailure.MalformedVote, $"the IV must be {IvLength} bytes, not {iv.Length}");
        }

        var vote = new PollVoteMessage();
        foreach (var name in optionNames)
        {
            vote.SelectedOptions.Add(ByteString.CopyFrom(OptionHash(name)));
        }

        var plaintext = vote.ToByteArray();
        var sealedVote = new byte[plaintext.Length + TagLength];
        Span<byte> key = stackalloc byte[KeyLength];
        try
        {
            DeriveKey(secret, context, key);
            using var gcm = new AesGcm(key, TagLength);
            gcm.Encrypt(iv, plaintext, sealedVote.AsSpan(0, plaintext.Length), sealedVote.AsSpan(plaintext.Length), AdditionalData(context));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }

        return new PollEncValue { EncPayload = ByteString.CopyFrom(sealedVote), EncIv = ByteString.CopyFrom(iv) };
    }

    /// <summary>Opens a vote: the SHA-256 of each option chosen (<see cref="OptionHash"/>); empty when the vote was taken back.</summary>
    /// <exception cref="PollVoteException">Which check failed (<see cref="PollVoteFailure"/>).</exception>
    public static IReadOnlyList<byte[]> Decrypt(ReadOnlySpan<byte> secret, PollVoteContext context, PollEncValue vote)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(vote);
        if (vote.EncIv.Length != IvLength || vote.EncPayload.Length < TagLength)
        {
            throw new PollVoteException(PollVoteFailure.MalformedVote,
                $"a vote has a {IvLength}-byte IV and at least a {TagLength}-byte payload; this one has {vote.EncIv.Length} and {vote.EncPayload.Length}");
        }

        var payload = vote.EncPayload.Span;
        var plaintext = new byte[payload.Length - TagLength];
        Span<byte> key = stackalloc byte[KeyLength];
        try
        {
            DeriveKey(secret, context, key);
            using var gcm = new AesGcm(key, TagLength);
            gcm.Decrypt(vote.EncIv.Span, payload[..plaintext.Length], payload[plaintext.Length..], plaintext, AdditionalData(context));
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new PollVoteException(PollVoteFailure.AuthenticationFailed, "the vote's GCM tag does not verify under this poll and these jids", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }

        try
        {
            return [.. PollVoteMessage.Parser.ParseFrom(plaintext).SelectedOptions.Select(o => o.ToByteArray())];
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new PollVoteException(PollVoteFailure.MalformedPlaintext, "the decrypted vote is not a PollVoteMessage", e);
        }
    }

    /// <summary>
    /// The names of <paramref name="optionNames"/> that <paramref name="selected"/> hashes choose, in the poll's order; a
    /// hash that names no option (a poll edited since, or a faulty sender) is left out and counted in <paramref name="unknown"/>.
    /// </summary>
    public static IReadOnlyList<string> Names(IReadOnlyList<byte[]> selected, IReadOnlyList<string> optionNames, out int unknown)
    {
        ArgumentNullException.ThrowIfNull(selected);
        ArgumentNullException.ThrowIfNull(optionNames);
        var hashes = optionNames.Select(OptionHash).ToList();
        unknown = selected.Count(s => !hashes.Any(h => h.AsSpan().SequenceEqual(s)));
        return [.. optionNames.Where((_, i) => selected.Any(s => s.AsSpan().SequenceEqual(hashes[i])))];
    }

    private static void DeriveKey(ReadOnlySpan<byte> secret, PollVoteContext context, Span<byte> key)
    {
        if (secret.Length != SecretLength)
        {
            throw new PollVoteException(PollVoteFailure.BadSecret, $"a poll's messageSecret is {SecretLength} bytes, not {secret.Length}");
        }

        var info = Encoding.UTF8.GetBytes(context.PollMessageId + context.PollCreatorJid + context.VoterJid + UseCase);
        Hkdf.DeriveSha256(secret, [], info, key);
    }

    private static byte[] AdditionalData(PollVoteContext context) => Encoding.UTF8.GetBytes(context.PollMessageId + "\0" + context.VoterJid);
}
