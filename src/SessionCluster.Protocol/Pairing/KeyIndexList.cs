using Google.Protobuf;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Wa.Adv;

namespace SessionCluster.Protocol.Pairing;

// Public API (usync <key-index-list>, docs/PROTOCOL.md §8):
//   SignedKeyIndexList KeyIndexList.Sign(AccountIdentity account, DateTimeOffset timestamp, uint currentIndex,
//                                        IEnumerable<uint> validIndexes)
//       SignedKeyIndexList.Bytes = the <key-index-list ts="{Timestamp}"> content; .Timestamp = Unix seconds for ts
//   VerifiedKeyIndexList KeyIndexList.Verify(ReadOnlySpan<byte> signed, ReadOnlySpan<byte> accountPublicKey)
//       what a WhatsApp Web companion checks; throws PairingVerificationException
//   bool KeyIndexList.Accepts(VerifiedKeyIndexList list, uint? keyIndex)   WhatsApp Web's device filter

/// <summary>A signed key-index list ready for usync: the bytes of <c>&lt;key-index-list&gt;</c> and its <c>ts</c>.</summary>
public sealed record SignedKeyIndexList(ReadOnlyMemory<byte> Bytes, ulong Timestamp, uint CurrentIndex, IReadOnlyList<uint> ValidIndexes);

/// <summary>A key-index list whose account signature verified.</summary>
public sealed record VerifiedKeyIndexList(uint RawId, ulong Timestamp, uint CurrentIndex, IReadOnlyList<uint> ValidIndexes);

/// <summary>
/// The account's signed statement of which companion key indexes are valid (ADVSignedKeyIndexList), published in
/// usync device lists and devices notifications.
/// </summary>
/// <remarks>
/// Signature: XEdDSA(account key, [6,2] || ADVKeyIndexList bytes); the outer <c>accountSignatureKey</c> is left out
/// (WhatsApp Web uses it only for hosted accounts and otherwise verifies with the stored identity of device 0).
/// Baileys does not verify the list at all: it keeps the bytes and the <c>ts</c> attribute and drops non-zero devices
/// without a <c>key-index</c>. WhatsApp Web keeps a companion only when its key index is in <c>validIndexes</c> or
/// greater than <c>currentIndex</c>; so <c>validIndexes</c> should list the key index of every linked companion and
/// <c>currentIndex</c> be the latest index issued.
/// </remarks>
public static class KeyIndexList
{
    /// <summary>Signs ADVKeyIndexList{rawId, timestamp, currentIndex, validIndexes} with the account key.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The timestamp is before 1970.</exception>
    public static SignedKeyIndexList Sign(AccountIdentity account, DateTimeOffset timestamp, uint currentIndex, IEnumerable<uint> validIndexes)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(validIndexes);
        var seconds = timestamp.ToUnixTimeSeconds();
        ArgumentOutOfRangeException.ThrowIfNegative(seconds, nameof(timestamp));
        var indexes = validIndexes.ToArray();

        var list = new ADVKeyIndexList { RawID = account.RawId, Timestamp = (ulong)seconds, CurrentIndex = currentIndex };
        list.ValidIndexes.AddRange(indexes);
        var details = list.ToByteArray();
        var signature = XEdDsa.Sign(account.IdentityKey.PrivateKey.Span, AdvPrefixes.Concat(AdvPrefixes.KeyIndexList, details));
        var signed = new ADVSignedKeyIndexList
        {
            Details = ByteString.CopyFrom(details),
            AccountSignature = ByteString.CopyFrom(signature),
        }.ToByteArray();
        return new SignedKeyIndexList(signed, (ulong)seconds, currentIndex, indexes);
    }

    /// <summary>The checks a WhatsApp Web companion makes: the signature under the account key, rawId and timestamp present.</summary>
    /// <exception cref="PairingVerificationException">Malformed bytes or a bad signature.</exception>
    public static VerifiedKeyIndexList Verify(ReadOnlySpan<byte> signed, ReadOnlySpan<byte> accountPublicKey)
    {
        ADVSignedKeyIndexList outer;
        ADVKeyIndexList inner;
        try
        {
            outer = ADVSignedKeyIndexList.Parser.ParseFrom(signed);
            if (!outer.HasDetails)
            {
                throw new PairingVerificationException(PairingVerificationFailure.MalformedProtobuf, "the key-index list has no details.");
            }

            if (!outer.HasAccountSignature || outer.AccountSignature.Length != XEdDsa.SignatureSize
                || !XEdDsa.Verify(accountPublicKey, AdvPrefixes.Concat(AdvPrefixes.KeyIndexList, outer.Details.Span), outer.AccountSignature.Span))
            {
                throw new PairingVerificationException(PairingVerificationFailure.BadAccountSignature, "the key-index list's account signature does not verify.");
            }

            inner = ADVKeyIndexList.Parser.ParseFrom(outer.Details);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new PairingVerificationException(PairingVerificationFailure.MalformedProtobuf, "not an ADVSignedKeyIndexList.", e);
        }

        if (!inner.HasRawID || !inner.HasTimestamp)
        {
            throw new PairingVerificationException(PairingVerificationFailure.MalformedProtobuf, "the key-index list lacks rawId or timestamp.");
        }

        return new VerifiedKeyIndexList(inner.RawID, inner.Timestamp, inner.CurrentIndex, [.. inner.ValidIndexes]);
    }

    /// <summary>WhatsApp Web's filter: a companion stays when its key index is listed or newer than the current index.</summary>
    public static bool Accepts(VerifiedKeyIndexList list, uint? keyIndex)
    {
        ArgumentNullException.ThrowIfNull(list);
        return keyIndex is { } index && (list.ValidIndexes.Contains(index) || index > list.CurrentIndex);
    }
}
