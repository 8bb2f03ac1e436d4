using System.Text.Json;
using SessionCluster.Interop.Tests.Infrastructure;

namespace SessionCluster.Interop.Tests.Simulator.Pairing;

/// <summary>One pairing-peer.mjs process for a test class.</summary>
public sealed class PairingPeerFixture : NodePeerFixture
{
    public BaileysPairing Baileys => new(Peer);

    protected override string Script => "pairing-peer.mjs";
}

/// <summary>A Baileys companion created in the peer: its id there, the QR it shows, and its keys.</summary>
public sealed record BaileysCompanion(int Id, string Qr, byte[] NoisePublicKey, byte[] IdentityPublicKey, byte[] AdvSecret);

/// <summary>What Baileys' configureSuccessfulPairing made of a pair-success frame.</summary>
/// <param name="Error">Baileys' error message when it refused the stanza; then the other members are null.</param>
public sealed record BaileysPairingOutcome(string? Error, byte[]? ReplyFrame, string? MeId, string? MeLid, string? Platform, byte[]? AccountSignatureKey, string? SignalIdentityName, byte[]? SignalIdentityKey)
{
    public bool Accepted => Error is null;
}

/// <summary>A companion's companion_hello as Baileys builds it.</summary>
public sealed record BaileysCompanionHello(int Id, byte[] WrappedEphemeral, byte[] EphemeralPublicKey, byte[] IdentityPublicKey);

/// <summary>A companion's companion_finish as Baileys builds it, with the ADV secret it derived.</summary>
public sealed record BaileysCompanionFinish(byte[] WrappedKeyBundle, byte[] CompanionIdentityPublicKey, byte[] AdvSecret);

/// <summary>Baileys' companion side of pairing through tests/Interop/pairing-peer.mjs (its header lists the ops).</summary>
public sealed class BaileysPairing(NodePeer peer)
{
    /// <summary>PBKDF2 with 131,072 iterations runs in the peer; give it time on a loaded machine.</summary>
    private static readonly TimeSpan SlowCall = TimeSpan.FromSeconds(60);

    /// <summary>Fresh Baileys creds and the QR it would show for <paramref name="ref"/>; <paramref name="browser"/> is Baileys' [os, browser, version].</summary>
    public async Task<BaileysCompanion> CompanionAsync(string @ref, string[] browser)
    {
        var r = await peer.CallAsync("companion", new { @ref, browser });
        return new BaileysCompanion(
            r.GetProperty("id").GetInt32(),
            r.GetProperty("qr").GetString()!,
            Hex(r, "noisePublicHex"),
            Hex(r, "identityPublicHex"),
            Convert.FromBase64String(r.GetProperty("advSecretBase64").GetString()!));
    }

    /// <summary>Runs Baileys' configureSuccessfulPairing on the frame (flag byte included) for the companion's creds.</summary>
    public async Task<BaileysPairingOutcome> ConfigureSuccessfulPairingAsync(int companionId, byte[] frame)
    {
        var r = await peer.CallAsync("configureSuccessfulPairing", new { id = companionId, frameHex = Convert.ToHexStringLower(frame) });
        if (!r.GetProperty("ok").GetBoolean())
        {
            return new BaileysPairingOutcome(r.GetProperty("error").GetString(), null, null, null, null, null, null, null);
        }

        var me = r.GetProperty("me");
        var identity = r.GetProperty("signalIdentity");
        return new BaileysPairingOutcome(
            null,
            Hex(r, "replyFrameHex"),
            me.GetProperty("id").GetString(),
            me.TryGetProperty("lid", out var lid) ? lid.GetString() : null,
            r.GetProperty("platform").GetString(),
            Hex(r, "accountSignatureKeyHex"),
            identity.GetProperty("name").GetString(),
            Hex(identity, "keyHex"));
    }

    /// <summary>libsignal's own verdict on an XEdDSA signature (Baileys' Curve.verify ignores it).</summary>
    public async Task<bool> LibsignalVerifyAsync(byte[] publicKey, byte[] message, byte[] signature) =>
        (await peer.CallAsync("libsignalVerify", new { publicKeyHex = Convert.ToHexStringLower(publicKey), messageHex = Convert.ToHexStringLower(message), signatureHex = Convert.ToHexStringLower(signature) })).GetBoolean();

    /// <summary>Baileys' bytesToCrockford.</summary>
    public async Task<string> CrockfordAsync(byte[] bytes) =>
        (await peer.CallAsync("crockford", new { hex = Convert.ToHexStringLower(bytes) })).GetString()!;

    /// <summary>Baileys' derivePairingCodeKey.</summary>
    public async Task<byte[]> DerivePairingCodeKeyAsync(string code, byte[] salt) =>
        Convert.FromHexString((await peer.CallAsync("derivePairingCodeKey", new { code, saltHex = Convert.ToHexStringLower(salt) }, SlowCall)).GetString()!);

    /// <summary>A fresh companion's companion_hello for <paramref name="code"/>.</summary>
    public async Task<BaileysCompanionHello> CompanionHelloAsync(string code)
    {
        var r = await peer.CallAsync("companionHello", new { code }, SlowCall);
        return new BaileysCompanionHello(r.GetProperty("id").GetInt32(), Hex(r, "wrappedHex"), Hex(r, "ephemeralPublicHex"), Hex(r, "identityPublicHex"));
    }

    /// <summary>Baileys' decipherLinkPublicKey with the companion's code.</summary>
    public async Task<byte[]> UnwrapEphemeralAsync(int companionId, byte[] wrapped) =>
        Convert.FromHexString((await peer.CallAsync("unwrapEphemeral", new { id = companionId, wrappedHex = Convert.ToHexStringLower(wrapped) }, SlowCall)).GetString()!);

    /// <summary>The companion's answer to the phone's link_code_companion_reg notification.</summary>
    public async Task<BaileysCompanionFinish> CompanionFinishAsync(int companionId, byte[] primaryIdentityPublicKey, byte[] wrappedPrimaryEphemeral)
    {
        var r = await peer.CallAsync(
            "companionFinish",
            new { id = companionId, primaryIdentityPubHex = Convert.ToHexStringLower(primaryIdentityPublicKey), wrappedPrimaryHex = Convert.ToHexStringLower(wrappedPrimaryEphemeral) },
            SlowCall);
        return new BaileysCompanionFinish(Hex(r, "wrappedKeyBundleHex"), Hex(r, "companionIdentityPublicHex"), Convert.FromBase64String(r.GetProperty("advSecretBase64").GetString()!));
    }

    private static byte[] Hex(JsonElement element, string property) => Convert.FromHexString(element.GetProperty(property).GetString()!);
}
