using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using SessionCluster.Protocol.AppState;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Media;
using SessionCluster.Protocol.Messages;
using SessionCluster.Protocol.Wa.AppState;
using SessionCluster.Protocol.Wa.E2E;
using SessionCluster.Simulator.AppState;

namespace SessionCluster.Simulator.Phone;

/// <summary>
/// The phone's side of app state (docs/PROTOCOL.md §14): it owns the account's one app-state sync key, shares it with its
/// companions in an APP_STATE_SYNC_KEY_SHARE protocolMessage, reads the collections like any device (verifying every MAC,
/// a refused patch leaves its view as it was), and writes patches on request of the admin API, optionally tampered with so
/// tests can show a companion refusing them.
/// </summary>
/// <remarks>
/// The key is derived from the account's identity key, so it survives a simulator restart without being stored
/// (the patches themselves do not survive one).
/// </remarks>
internal sealed partial class Phone
{
    private readonly ConcurrentDictionary<int, bool> _appStateKeyShared = new();
    private readonly Lock _appStateLock = new();
    private readonly Dictionary<string, PhoneCollectionView> _appState = new(StringComparer.Ordinal);

    /// <summary>The app-state sync key's id: four zero bytes and two from the account key, like the real ids' shape.</summary>
    public byte[] AppStateKeyId => [0, 0, 0, 0, .. SHA256.HashData(Account.Identity.PublicKey.Span).AsSpan(0, 2)];

    private byte[] AppStateKeyData
    {
        get
        {
            var keyData = new byte[32];
            Hkdf.DeriveSha256(Account.Identity.IdentityKey.PrivateKey.Span, ReadOnlySpan<byte>.Empty, "simulator app state sync key"u8, keyData);
            return keyData;
        }
    }

    private AppStateKeyRing AppStateKeys => AppStateKeyRing.Empty.With(AppStateKeyId, AppStateKeyData);

    /// <summary>Whether the companion was given the app-state key since the simulator started.</summary>
    public bool HasSharedAppStateKeys(int deviceId) => _appStateKeyShared.ContainsKey(deviceId);

    /// <summary>
    /// Sends the APP_STATE_SYNC_KEY_SHARE protocolMessage to the given companions (all when null); returns how many got it.
    /// A companion the phone has neither a session nor a bundle for is skipped and stays unshared.
    /// </summary>
    public async Task<int> ShareAppStateKeysAsync(IReadOnlyList<int>? deviceIds, CancellationToken cancellationToken)
    {
        var share = new AppStateSyncKeyShare();
        share.Keys.Add(new AppStateSyncKey
        {
            KeyID = new AppStateSyncKeyId { KeyID = ByteString.CopyFrom(AppStateKeyId) },
            KeyData = new AppStateSyncKeyData
            {
                KeyData = ByteString.CopyFrom(AppStateKeyData),
                Fingerprint = new AppStateSyncKeyFingerprint { RawID = Account.Identity.RawId, CurrentIndex = 0 },
                Timestamp = Account.CreatedAt.ToUnixTimeMilliseconds(),
            },
        });
        var message = new Message
        {
            ProtocolMessage = new ProtocolMessage { Type = ProtocolMessage.Types.Type.AppStateSyncKeyShare, AppStateSyncKeyShare = share },
        };
        var sent = await SendToCompanionsAsync(message, d => deviceIds is null || deviceIds.Contains(d.DeviceId), "app state keys", cancellationToken).ConfigureAwait(false);
        foreach (var deviceId in sent)
        {
            _appStateKeyShared[deviceId] = true;
        }

        return sent.Count;
    }

    /// <summary>What the phone read of <paramref name="collection"/>: every patch in order, applied or refused.</summary>
    public PhoneAppStateView ReadAppState(string collection, AppStatePatches patches)
    {
        lock (_appStateLock)
        {
            var view = CatchUp(collection, patches);
            return new PhoneAppStateView(collection, patches.Version(Account.Phone, collection), view.State.Version, [.. view.Log]);
        }
    }

    /// <summary>
    /// Writes one mutation as the next patch of <paramref name="collection"/>, as a phone changing a chat does, and tells the
    /// companions. With <paramref name="tamper"/> the patch is broken after encoding: the phone's own view does not take it.
    /// </summary>
    /// <param name="external">Keep the mutations in an external blob uploaded to the media store (a large patch's form,
    /// docs/PROTOCOL.md §14 "External blobs") instead of inline.</param>
    public async Task<ulong> WriteAppStateAsync(string collection, AppStateMutationRequest mutation, AppStateTamper tamper, AppStateSync sync, CancellationToken cancellationToken, bool external = false)
    {
        ArgumentNullException.ThrowIfNull(sync);
        var media = external ? _directory.Media ?? throw new InvalidOperationException("This simulator has no media store for an external mutations blob.") : null;
        ulong version;
        lock (_appStateLock)
        {
            var view = CatchUp(collection, sync.Patches);
            // Built on the server's version: a refused patch left the state behind it, as on every reader.
            var encoded = AppStatePatchCodec.Encode(view.State with { Version = view.Seen }, AppStateKeys, AppStateKeyId, [mutation]);
            Tamper(encoded.Patch, tamper, AppStateKeys.Get(AppStateKeyId), view.Seen + 1, collection);
            var patch = encoded.Patch;
            if (media is not null)
            {
                (patch, var mutations) = AppStateExternalBlobs.Externalize(patch);
                var (blob, reference) = AppStateExternalBlobs.Encrypt(mutations);
                reference.DirectPath = media.Add(MediaKinds.MmsType(MediaKind.AppState), blob).DirectPath;
                patch.ExternalMutations = reference;
            }

            version = sync.Patches.TryAppend(Account.Phone, collection, view.Seen, patch)
                ?? throw new InvalidOperationException($"{collection} moved on while the phone held its lock; the phone reads every patch first.");
            view.Seen = version;
            view.Log.Add(new PhoneAppStateEntry(version, mutation.Operation.ToString(), mutation.Index, JsonFormatter.Default.Format(mutation.Value), tamper == AppStateTamper.None ? null : "tampered by the phone: " + tamper));
            if (tamper == AppStateTamper.None)
            {
                view.State = encoded.State with { Version = version };
            }
        }

        await sync.NotifyAsync(Account, 0, collection, version, cancellationToken).ConfigureAwait(false);
        return version;
    }

    private PhoneCollectionView CatchUp(string collection, AppStatePatches patches)
    {
        if (!_appState.TryGetValue(collection, out var view))
        {
            view = new PhoneCollectionView(AppStateCollectionState.Empty(collection));
            _appState[collection] = view;
        }

        while (true)
        {
            var (page, hasMore) = patches.After(Account.Phone, collection, view.Seen, AppStateSync.PageSize);
            foreach (var bytes in page)
            {
                var patch = SyncdPatch.Parser.ParseFrom(bytes);
                var version = patch.Version.Version;
                try
                {
                    var result = AppStatePatchCodec.Decode(AppStateSync.Inline(patch, _directory.Media), view.State, AppStateKeys, version);
                    view.State = result.State;
                    view.Log.AddRange(result.Mutations.Select(m => new PhoneAppStateEntry(version, m.Operation.ToString(), m.Index, JsonFormatter.Default.Format(m.Value), null)));
                }
                catch (AppStateException e)
                {
                    view.Log.Add(new PhoneAppStateEntry(version, "", [], "{}", e.Failure.ToString()));
                }

                view.Seen = version;
            }

            if (!hasMore)
            {
                return view;
            }
        }
    }

    private static void Tamper(SyncdPatch patch, AppStateTamper tamper, MutationKeys keys, ulong version, string collection)
    {
        switch (tamper)
        {
            case AppStateTamper.PatchMac:
                patch.PatchMAC = Flipped(patch.PatchMAC);
                break;
            case AppStateTamper.ValueMac:
                var record = patch.Mutations[0].Record;
                record.Value = new SyncdValue { Blob = Flipped(record.Value.Blob) };
                // The patch MAC covers the carried value MACs: sign again so the value MAC is the check that fails.
                var macs = patch.Mutations.Select(m => (ReadOnlyMemory<byte>)m.Record.Value.Blob.ToByteArray().AsMemory(^AppStateMacs.MacSize..)).ToList();
                patch.PatchMAC = ByteString.CopyFrom(AppStateMacs.PatchMac(keys, patch.SnapshotMAC.Span, macs, version, collection));
                break;
        }
    }

    private static ByteString Flipped(ByteString bytes)
    {
        var copy = bytes.ToByteArray();
        copy[^1] ^= 0x01;
        return ByteString.CopyFrom(copy);
    }

    /// <summary>The phone's reading of one collection: the state it verified, the last version it read, what it saw.</summary>
    private sealed class PhoneCollectionView(AppStateCollectionState state)
    {
        public AppStateCollectionState State { get; set; } = state;

        public ulong Seen { get; set; }

        public List<PhoneAppStateEntry> Log { get; } = [];
    }
}

/// <summary>How the admin API asks the phone to break a patch it writes.</summary>
public enum AppStateTamper
{
    /// <summary>A good patch.</summary>
    None,

    /// <summary>The patch MAC's last bit flipped.</summary>
    PatchMac,

    /// <summary>The first record's value MAC's last bit flipped, and the patch MAC signed again over it.</summary>
    ValueMac,
}

/// <summary>One mutation the phone read or wrote, or a patch it refused (<see cref="Refused"/> names the failed check).</summary>
public sealed record PhoneAppStateEntry(ulong Version, string Operation, IReadOnlyList<string> Index, string Value, string? Refused);

/// <summary>A collection as the phone sees it: the server's version, the version its verified state is at, and its log.</summary>
public sealed record PhoneAppStateView(string Collection, ulong ServerVersion, ulong StateVersion, IReadOnlyList<PhoneAppStateEntry> Log);
