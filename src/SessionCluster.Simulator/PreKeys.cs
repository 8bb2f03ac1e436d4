using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Signal;
using SessionCluster.Simulator.Accounts;
using SessionCluster.Simulator.Connections;
using SessionCluster.Protocol.Stanzas;

namespace SessionCluster.Simulator;

/// <summary>
/// <c>xmlns="encrypt"</c> (docs/PROTOCOL.md §7): the prekey count a client checks after login, its prekey upload (kept per
/// device, every size and the signed-prekey signature checked), the key-bundle digest Baileys asks for right
/// after, and signed-prekey rotation. Bundle fetch (<c>&lt;key&gt;</c>) is <see cref="PreKeyBundles"/>.
/// </summary>
internal sealed class PreKeys(AccountDirectory accounts, PreKeyBundles bundles)
{
    /// <summary>Most one-time prekeys one upload may carry: Baileys' first upload (INITIAL_PREKEY_COUNT) is 812.</summary>
    public const int MaxKeysPerUpload = 812;

    /// <summary>Most one-time prekeys the server keeps for one device.</summary>
    public const int MaxKeysPerDevice = 2 * MaxKeysPerUpload;

    public async ValueTask<Node?> HandleAsync(ChatConnection connection, Node iq, CancellationToken cancellationToken)
    {
        var loggedIn = connection.LoggedIn!;
        var type = iq.GetString("type");
        var first = IqRouter.FirstChild(iq);
        switch (type, first)
        {
            case ("get", "count"):
                return ServerStanzas.IqResult(iq, new Node("count", [("value", loggedIn.Device.PreKeys.Count.ToString(CultureInfo.InvariantCulture))]));
            case ("get", "digest"):
                return ServerStanzas.IqResult(iq, Digest(loggedIn.Device));
            case ("set", "rotate"):
                await RotateAsync(connection, IqRouter.RequireChild(IqRouter.RequireChild(iq, "rotate"), "skey"), cancellationToken).ConfigureAwait(false);
                return ServerStanzas.IqResult(iq);
            case ("set", _) when iq.GetOptionalChild("list") is not null:
                await UploadAsync(connection, iq, cancellationToken).ConfigureAwait(false);
                return ServerStanzas.IqResult(iq);
            case ("get", "key"):
                return await bundles.FetchAsync(connection, iq, cancellationToken).ConfigureAwait(false);
            default:
                throw new IqRequestException(IqErrorCode.BadRequest, $"encrypt {type} <{first}> is not a prekey request.");
        }
    }

    /// <summary>
    /// Upload: <c>&lt;registration&gt;</c> 4 bytes, <c>&lt;type&gt;</c> 0x05, <c>&lt;identity&gt;</c> 32 bytes,
    /// <c>&lt;list&gt;&lt;key&gt;&lt;id&gt;3&lt;/id&gt;&lt;value&gt;32&lt;/value&gt;&lt;/key&gt;…</c> and <c>&lt;skey&gt;</c>. The identity and
    /// registration id must be the ones the device registered with: a device cannot swap identities under the server.
    /// </summary>
    private async Task UploadAsync(ChatConnection connection, Node iq, CancellationToken cancellationToken)
    {
        var device = connection.LoggedIn!.Device;
        var registration = BinaryPrimitives.ReadUInt32BigEndian(IqRouter.RequireBytes(IqRouter.RequireChild(iq, "registration"), 4).Span);
        var keyType = IqRouter.RequireBytes(IqRouter.RequireChild(iq, "type"), 1).Span[0];
        var identity = IqRouter.RequireBytes(IqRouter.RequireChild(iq, "identity"), Curve25519.KeySize);
        if (keyType != SignalPublicKey.DjbType)
        {
            throw new IqRequestException(IqErrorCode.BadRequest, $"Key type 0x{keyType:x2} is not 0x05.");
        }

        if (!identity.Span.SequenceEqual(device.IdentityKey.Span) || registration != device.RegistrationId)
        {
            throw new IqRequestException(IqErrorCode.NotAcceptable, "The upload's identity or registration id is not the device's.");
        }

        var signedPreKey = ReadSignedPreKey(IqRouter.RequireChild(iq, "skey"), device.IdentityKey.Span);
        var list = IqRouter.RequireChild(iq, "list");
        var keys = new List<(uint, ReadOnlyMemory<byte>)>();
        foreach (var key in list.Children)
        {
            if (key.Tag != "key")
            {
                throw new IqRequestException(IqErrorCode.BadRequest, $"<list> holds <key> nodes, not <{key.Tag}>.");
            }

            keys.Add((ReadId(IqRouter.RequireChild(key, "id")), IqRouter.RequireBytes(IqRouter.RequireChild(key, "value"), Curve25519.KeySize).ToArray()));
        }

        if (keys.Count is 0 or > MaxKeysPerUpload)
        {
            throw new IqRequestException(IqErrorCode.NotAcceptable, $"An upload carries 1 to {MaxKeysPerUpload} prekeys, not {keys.Count}.");
        }

        // Checked and stored in one step, so two uploads at once cannot both pass the check. Ids already handed out
        // in a bundle are skipped: a one-time key is served at most once, ever (DevicePreKeys).
        if (device.PreKeys.Add(keys, MaxKeysPerDevice) is null)
        {
            throw new IqRequestException(IqErrorCode.NotAcceptable, $"The server keeps at most {MaxKeysPerDevice} prekeys per device.");
        }

        Replace(connection, device with { SignedPreKey = signedPreKey });
        await accounts.SaveAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task RotateAsync(ChatConnection connection, Node skey, CancellationToken cancellationToken)
    {
        var device = connection.LoggedIn!.Device;
        Replace(connection, device with { SignedPreKey = ReadSignedPreKey(skey, device.IdentityKey.Span) });
        await accounts.SaveAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void Replace(ChatConnection connection, CompanionDevice device)
    {
        var loggedIn = connection.LoggedIn!;
        if (!loggedIn.Account.ReplaceDevice(device))
        {
            throw new IqRequestException(IqErrorCode.NotAuthorized, "The device is no longer linked.");
        }

        connection.SetLoggedIn(loggedIn with { Device = device });
    }

    /// <summary><c>&lt;skey&gt;&lt;id&gt;3&lt;/id&gt;&lt;value&gt;32&lt;/value&gt;&lt;signature&gt;64&lt;/signature&gt;&lt;/skey&gt;</c>, signature checked.</summary>
    private static SignedPreKey ReadSignedPreKey(Node skey, ReadOnlySpan<byte> identityKey)
    {
        var id = ReadId(IqRouter.RequireChild(skey, "id"));
        var value = IqRouter.RequireBytes(IqRouter.RequireChild(skey, "value"), Curve25519.KeySize);
        var signature = IqRouter.RequireBytes(IqRouter.RequireChild(skey, "signature"), XEdDsa.SignatureSize);
        if (!SignedPreKeyRecord.VerifySignature(identityKey, value.Span, signature.Span))
        {
            throw new IqRequestException(IqErrorCode.NotAcceptable, "The signed prekey's signature does not verify under the device's identity key.");
        }

        return new SignedPreKey(id, value.ToArray(), signature.ToArray());
    }

    private static uint ReadId(Node id)
    {
        return PreKeyIds.Decode(IqRouter.RequireBytes(id, PreKeyIds.Size).Span);
    }

    /// <summary>
    /// <c>&lt;digest&gt;</c>: what the server holds for the device — registration, type, identity, signed prekey, the ids
    /// of its one-time prekeys and a SHA-1 over the key material. Baileys only checks that the node is there
    /// (socket.js digestKeyBundle); the exact layout of the real server's answer is not in docs/PROTOCOL.md (uncertain).
    /// </summary>
    private static Node Digest(CompanionDevice device)
    {
        var preKeys = device.PreKeys.Snapshot();
        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        sha1.AppendData(device.IdentityKey.Span);
        sha1.AppendData(device.SignedPreKey.PublicKey.Span);
        sha1.AppendData(device.SignedPreKey.Signature.Span);
        foreach (var (_, key) in preKeys)
        {
            sha1.AppendData(key.Span);
        }

        var registration = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(registration, device.RegistrationId);
        return new Node("digest", null,
        [
            new Node("registration", null, registration),
            new Node("type", null, new byte[] { SignalPublicKey.DjbType }),
            new Node("identity", null, device.IdentityKey),
            new Node("skey", null,
            [
                new Node("id", null, PreKeyIds.Encode(device.SignedPreKey.Id)),
                new Node("value", null, device.SignedPreKey.PublicKey),
                new Node("signature", null, device.SignedPreKey.Signature),
            ]),
            new Node("list", null, [.. preKeys.Select(k => new Node("id", null, PreKeyIds.Encode(k.Id)))]),
            new Node("hash", null, sha1.GetHashAndReset()),
        ]);
    }
}
