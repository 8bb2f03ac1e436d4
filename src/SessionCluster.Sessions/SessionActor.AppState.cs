using Akka.Actor;
using Google.Protobuf;
using SessionCluster.Protocol.AppState;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Wa.AppState;
using SessionCluster.Protocol.Wa.E2E;
using SessionCluster.Sessions.Flows;
using SessionCluster.Sessions.State;
using SessionCluster.Sessions.State.Proto;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Sessions;

/// <summary>
/// App-state sync (docs/PROTOCOL.md §14). The phone's APP_STATE_SYNC_KEY_SHARE is stored sealed (never as a message event)
/// and starts a fetch of every collection; so do a login and a <c>server_sync</c> notification (that collection). Each
/// fetched patch is verified against the collection's stored LTHash and value MACs before anything of it is used: a
/// verified patch's mutations become events (<see cref="ChatSettingChangedBody"/>, <see cref="ContactUpdatedBody"/>,
/// <see cref="PushNameChangedBody"/>) written in one atomic write with the collection's new state; a patch that fails a
/// check is refused, logged once (the collection then expects the version after it, durably, so a refetch does not log
/// it again), and leaves the state and its events untouched. A missing key or a version gap stops the collection where it
/// is until a key share or the next notification. A fetch from version 0 asks a snapshot; a snapshot and external mutations
/// are downloaded off the actor first (<see cref="AppStateBlobs"/>), a snapshot replaces the state and its records become
/// events in the same write (a refused one is logged once and keeps the state). <see cref="ModifyChat"/> writes one patch
/// on the latest state.
/// </summary>
public sealed partial class SessionActor
{
    private AppStateKeyRing _appStateKeys = AppStateKeyRing.Empty;
    private List<(byte[] Id, byte[] Data)> _appStateKeyList = [];
    private AppStateKeysStored? _recoveredAppStateKeys;
    private readonly Dictionary<string, (AppStateCollectionState State, ulong Next)> _appState = new(StringComparer.Ordinal);
    private readonly HashSet<string> _appStateFetching = new(StringComparer.Ordinal);
    private readonly HashSet<string> _appStateFetchAgain = new(StringComparer.Ordinal);
    private readonly HashSet<string> _appStateRefusedSnapshots = new(StringComparer.Ordinal);
    private readonly List<(string Collection, Action Then)> _appStateWaiters = [];
    private readonly Queue<(ModifyChat Command, IActorRef ReplyTo)> _chatModifications = new();
    private bool _chatModifying;

    private void RecoverAppState()
    {
        // Opened once the log is read and the session's data key is known (SessionActor.Keys.cs), as the prekeys are.
        Recover<AppStateKeysStored>(stored => _recoveredAppStateKeys = stored);
        Recover<AppStateCollectionStored>(ApplyAppStateCollection);
    }

    private void ReceiveAppState()
    {
        Command<ModifyChat>(OnModifyChat);
        Command<AppStateBlobsRead>(read => ApplyFetched(read.Wanted, read.Collections));
    }

    /// <summary>End of recovery: the last key ring stored opens under <paramref name="box"/>; one that does not is logged as the registration's would be.</summary>
    private void OpenRecoveredAppStateKeys(SecretBox box)
    {
        if (_recoveredAppStateKeys is not { } stored)
        {
            return;
        }

        _recoveredAppStateKeys = null;
        try
        {
            SetAppStateKeys(AppStateSyncs.OpenKeys(stored, box, _sealContext));
        }
        catch (SecretsException e)
        {
            _secretsFailure = e;
        }
    }

    /// <summary>Logged out: the keys and collections belonged to the account the session was linked to.</summary>
    private void ForgetAppState()
    {
        _appStateKeys = AppStateKeyRing.Empty;
        _appStateKeyList = [];
        _recoveredAppStateKeys = null;
        _appState.Clear();
        _appStateRefusedSnapshots.Clear();
    }

    private void SetAppStateKeys(IReadOnlyList<(byte[] Id, byte[] Data)> keys)
    {
        _appStateKeyList = [.. keys];
        _appStateKeys = AppStateSyncs.Ring(keys);
    }

    private void ApplyAppStateCollection(AppStateCollectionStored stored) =>
        _appState[stored.Name] = AppStateSyncs.FromRecord(stored);

    /// <summary>The app-state key share a decrypted message carries, or null when it is anything else.</summary>
    private static AppStateSyncKeyShare? AppStateKeyShareOf(Message content) =>
        content.ProtocolMessage is { Type: ProtocolMessage.Types.Type.AppStateSyncKeyShare, AppStateSyncKeyShare: { } share } ? share : null;

    /// <summary>The write a key share becomes: the whole ring, old keys and new, sealed; nothing from anyone but the own account.</summary>
    private IEnumerable<IMessage> AppStateKeyWrites(Jid sender, AppStateSyncKeyShare share)
    {
        if (!IsOwnAccount(sender))
        {
            AppStateLog.KeysNotOwn(_logger, _id.Value, sender.ToString());
            return [];
        }

        var shared = AppStateSyncs.SharedKeys(share);
        if (shared.Count == 0)
        {
            return [];
        }

        var all = _appStateKeyList.Where(k => !shared.Any(s => s.Id.AsSpan().SequenceEqual(k.Id))).Concat(shared).ToList();
        return [AppStateSyncs.SealKeys(all, Sealing, _sealContext)];
    }

    /// <summary>The ring is durable: held from now on, and every collection is fetched (patches may have waited for it).</summary>
    private void OnAppStateKeysStored(AppStateKeysStored stored)
    {
        var before = _appStateKeys.Count;
        SetAppStateKeys(AppStateSyncs.OpenKeys(stored, Sealing, _sealContext));
        AppStateLog.KeysShared(_logger, _id.Value, _appStateKeys.Count - before, _appStateKeys.Count);
        SyncAppState(AppStateCollections.All);
    }

    private void OnAppStateNotification(Node node) =>
        SyncAppState(node.GetChildren("collection").Select(c => c.GetOptionalString("name") ?? "").Where(AppStateCollections.IsKnown).ToList());

    private (AppStateCollectionState State, ulong Next) CollectionState(string name) =>
        _appState.TryGetValue(name, out var known) ? known : (AppStateCollectionState.Empty(name), 1);

    /// <summary>
    /// Fetches <paramref name="names"/> from the versions held; a collection already being fetched is fetched once more
    /// after that. <paramref name="then"/> runs when none of them is being fetched any more.
    /// </summary>
    private void SyncAppState(IReadOnlyCollection<string> names, Action? then = null)
    {
        if (then is not null)
        {
            foreach (var name in names.Take(1))
            {
                _appStateWaiters.Add((name, then));
            }
        }

        if (NotOnline() is not null)
        {
            RunAppStateWaiters();
            return;
        }

        var wanted = new List<string>();
        foreach (var name in names.Distinct(StringComparer.Ordinal))
        {
            if (!_appStateFetching.Add(name))
            {
                _appStateFetchAgain.Add(name);
                continue;
            }

            wanted.Add(name);
        }

        if (wanted.Count == 0)
        {
            return;
        }

        SendIq(id => AppStateSyncs.FetchQuery(id, wanted.Select(n => (n, CollectionState(n).Next - 1))), outcome => OnAppStateFetched(wanted, outcome));
    }

    private void OnAppStateFetched(IReadOnlyList<string> wanted, IqOutcome outcome)
    {
        if (outcome is not IqAnswered answered || !TryRead(() => AppStateSyncs.ReadFetch(answered.Result), out var collections))
        {
            AppStateLog.FetchFailed(_logger, _id.Value, string.Join(",", wanted), outcome.ToString());
            FinishAppStateFetch(wanted, []);
            return;
        }

        var mine = collections.Where(c => wanted.Contains(c.Name, StringComparer.Ordinal) && !c.Failed).ToList();
        if (!mine.Any(AppStateBlobs.NeedsDownload))
        {
            ApplyFetched(wanted, mine);
            return;
        }

        // Snapshots and external mutations are downloaded off the actor like history blobs; the fetch stays open meanwhile.
        var downloader = _dependencies.HistoryDownloader;
        WithMediaHosts(hosts => ResolveAppStateBlobsAsync(wanted, mine, downloader, hosts).PipeTo(Self));
    }

    private static async Task<AppStateBlobsRead> ResolveAppStateBlobsAsync(IReadOnlyList<string> wanted, IReadOnlyList<FetchedCollection> collections, MediaDownloader? downloader, IReadOnlyList<string> hosts)
    {
        using var timeout = new CancellationTokenSource(HistoryReadTimeout);
        var resolved = new List<FetchedCollection>(collections.Count);
        foreach (var collection in collections)
        {
            resolved.Add(AppStateBlobs.NeedsDownload(collection)
                ? await AppStateBlobs.ResolveAsync(collection, reference => AppStateBlobs.DownloadAsync(downloader, hosts, reference, timeout.Token)).ConfigureAwait(false)
                : collection);
        }

        return new AppStateBlobsRead(wanted, resolved);
    }

    /// <summary>Verifies and applies the fetched collections (blobs read); one atomic write of the states and their events.</summary>
    private void ApplyFetched(IReadOnlyList<string> wanted, IReadOnlyList<FetchedCollection> collections)
    {
        var writes = new List<IMessage>();
        var more = new List<string>();
        foreach (var collection in collections)
        {
            var (records, blocked) = ApplyPatches(collection);
            writes.AddRange(records);
            if (collection.HasMore && !blocked)
            {
                more.Add(collection.Name);
            }
        }

        if (writes.Count == 0)
        {
            FinishAppStateFetch(wanted, more);
            return;
        }

        var remaining = writes.Count;
        PersistAll(writes, stored =>
        {
            switch (stored)
            {
                case AppStateCollectionStored collection:
                    ApplyAppStateCollection(collection);
                    break;
                case SessionEventRecord record:
                    ApplyEvent(record);
                    break;
            }

            if (--remaining == 0)
            {
                FinishAppStateFetch(wanted, more);
            }
        });
    }

    /// <summary>
    /// Verifies the collection's patches in order from the state held: the records to write (the new state, then the
    /// events of every verified mutation), and whether the collection is blocked (a missing key or a version gap).
    /// </summary>
    private (List<IMessage> Records, bool Blocked) ApplyPatches(FetchedCollection collection)
    {
        var (state, next) = CollectionState(collection.Name);
        var events = new List<IMessage>();
        var mutations = 0;
        var changed = false;
        var blocked = false;
        if (collection.Snapshot is { } snapshot)
        {
            switch (ApplySnapshot(collection.Name, snapshot, state, events))
            {
                case { } result:
                    state = result.State;
                    next = state.Version + 1;
                    mutations += result.Mutations.Count;
                    changed = true;
                    break;
                default:
                    // Refused or waiting for a key: the patches after it were built on its state, not on this one.
                    return ([], true);
            }
        }

        foreach (var patch in collection.Patches)
        {
            var version = patch.Version is { HasVersion: true } ? patch.Version.Version : next;
            if (version < next)
            {
                continue;
            }

            try
            {
                var result = AppStatePatchCodec.Decode(patch, state, _appStateKeys, next);
                state = result.State;
                mutations += result.Mutations.Count;
                foreach (var mutation in result.Mutations)
                {
                    if (AppStateSyncs.BodyOf(mutation, byThisSession: false) is { } body && !IgnoredChat(body))
                    {
                        var record = NextEvent(body).ToRecord();
                        _lastEventSequence = record.Sequence;
                        events.Add(record);
                    }
                }
            }
            catch (AppStateException e) when (e.Failure is AppStateFailure.MissingKey or AppStateFailure.VersionGap)
            {
                AppStateLog.Blocked(_logger, _id.Value, collection.Name, state.Version, e.Failure, e.Message);
                blocked = true;
                break;
            }
            catch (AppStateException e)
            {
                // Refused: the state stays; the collection expects the patch after this one, which its writer built without it.
                AppStateLog.Refused(_logger, _id.Value, collection.Name, version, e.Failure, e.Message, state.Version);
            }

            next = version + 1;
            changed = true;
        }

        if (collection.BlobFailure is { } failure && !blocked)
        {
            // A blob not had is no tampering proven: the collection waits there and the next fetch downloads it again.
            AppStateLog.Blocked(_logger, _id.Value, collection.Name, state.Version, failure.Failure, failure.Message);
            blocked = true;
        }

        if (!changed)
        {
            return ([], blocked);
        }

        AppStateLog.Synced(_logger, _id.Value, collection.Name, state.Version, mutations, events.Count);
        return ([AppStateSyncs.ToRecord(state, next), .. events], blocked);
    }

    /// <summary>
    /// Verifies a snapshot (docs/PROTOCOL.md §14 "Snapshots") and adds an event per record to <paramref name="events"/>;
    /// null when it is refused (logged once per snapshot) or its key is missing, and the state then stays.
    /// </summary>
    private AppStatePatchResult? ApplySnapshot(string name, SyncdSnapshot snapshot, AppStateCollectionState state, List<IMessage> events)
    {
        var version = snapshot.Version?.Version ?? 0;
        if (version <= state.Version)
        {
            return null;
        }

        AppStatePatchResult result;
        try
        {
            result = AppStateSnapshotCodec.Decode(snapshot, name, _appStateKeys);
        }
        catch (AppStateException e) when (e.Failure is AppStateFailure.MissingKey)
        {
            AppStateLog.Blocked(_logger, _id.Value, name, state.Version, e.Failure, e.Message);
            return null;
        }
        catch (AppStateException e)
        {
            // The same refused snapshot comes back on every fetch from version 0: it is logged the first time only.
            if (_appStateRefusedSnapshots.Add($"{name}/{version}/{Convert.ToBase64String(snapshot.Mac.Span)}"))
            {
                AppStateLog.SnapshotRefused(_logger, _id.Value, name, version, e.Failure, e.Message, state.Version);
            }
            else
            {
                AppStateLog.SnapshotRefusedAgain(_logger, _id.Value, name, version);
            }

            return null;
        }

        foreach (var mutation in result.Mutations)
        {
            if (AppStateSyncs.BodyOf(mutation, byThisSession: false) is { } body && !IgnoredChat(body))
            {
                var record = NextEvent(body).ToRecord();
                _lastEventSequence = record.Sequence;
                events.Add(record);
            }
        }

        AppStateLog.SnapshotApplied(_logger, _id.Value, name, version, result.Mutations.Count);
        return result;
    }

    private bool IgnoredChat(SessionEventBody body) => body is ChatSettingChangedBody chat && Settings.Ignore.Ignores(chat.Chat);

    private void FinishAppStateFetch(IReadOnlyList<string> fetched, IReadOnlyList<string> more)
    {
        var again = new List<string>(more);
        foreach (var name in fetched)
        {
            _appStateFetching.Remove(name);
            if (_appStateFetchAgain.Remove(name) && !again.Contains(name, StringComparer.Ordinal))
            {
                again.Add(name);
            }
        }

        if (again.Count > 0)
        {
            SyncAppState(again);
        }

        RunAppStateWaiters();
    }

    /// <summary>Runs the waiters whose collection is no longer being fetched.</summary>
    private void RunAppStateWaiters()
    {
        var ready = _appStateWaiters.Where(w => !_appStateFetching.Contains(w.Collection)).ToList();
        foreach (var waiter in ready)
        {
            _appStateWaiters.Remove(waiter);
            waiter.Then();
        }
    }

    private void OnModifyChat(ModifyChat command)
    {
        if (!_exists)
        {
            Sender.Tell(new NotFound(_id));
            return;
        }

        if (!Jid.TryParse(command.Chat, out var chat) || !(chat.IsPhoneNumber || chat.IsLid || chat.IsGroup) || chat.Device != 0)
        {
            Sender.Tell(new ChatModifyRefused(_id, ChatModifyRefusal.BadChat, $"\"{command.Chat}\" is not a user or group jid"));
            return;
        }

        _chatModifications.Enqueue((command with { Chat = chat.ToString() }, Sender));
        if (!_chatModifying)
        {
            NextChatModification();
        }
    }

    /// <summary>One write at a time: each is built on the state the one before it left.</summary>
    private void NextChatModification()
    {
        if (!_chatModifications.TryDequeue(out var next))
        {
            _chatModifying = false;
            return;
        }

        _chatModifying = true;
        var (command, replyTo) = next;
        if (NotOnline() is { } notOnline)
        {
            ChatModificationDone(replyTo, new ChatModifyRefused(_id, notOnline.Reason switch
            {
                SendRefusal.Ended => ChatModifyRefusal.Ended,
                SendRefusal.NotLinked => ChatModifyRefusal.NotLinked,
                _ => ChatModifyRefusal.NotConnected,
            }, notOnline.Detail));
            return;
        }

        if (_appStateKeys.Count == 0)
        {
            ChatModificationDone(replyTo, new ChatModifyRefused(_id, ChatModifyRefusal.NoKey, "the phone has not shared the app-state key yet"));
            return;
        }

        var (collection, mutation) = AppStateSyncs.ChatModification(command.Chat, command.Setting, command.On, _dependencies.Clock.GetUtcNow());
        // As Baileys' appPatch: fetch first, so the patch is built on the latest state.
        SyncAppState([collection], () => UploadChatModification(command, replyTo, collection, mutation, attempt: 1));
    }

    private void UploadChatModification(ModifyChat command, IActorRef replyTo, string collection, AppStateMutationRequest mutation, int attempt)
    {
        var (state, next) = CollectionState(collection);
        var baseVersion = next - 1;
        AppStateEncodedPatch encoded;
        try
        {
            // Built on the server's version: refused patches between the state and it are left out, as the phone does.
            encoded = AppStatePatchCodec.Encode(state with { Version = baseVersion }, _appStateKeys, _appStateKeys.LatestKeyId.Span, [mutation]);
        }
        catch (AppStateException e)
        {
            ChatModificationDone(replyTo, new ChatModifyRefused(_id, ChatModifyRefusal.NoKey, e.Message));
            return;
        }

        SendIq(id => AppStateSyncs.UploadQuery(id, collection, baseVersion, encoded.Patch), outcome =>
        {
            switch (outcome)
            {
                case IqAnswered:
                    var version = encoded.State.Version;
                    var body = new ChatSettingChangedBody(command.Chat, command.Setting, command.On, null, _dependencies.Clock.GetUtcNow(), ByThisSession: true);
                    var record = NextEvent(body).ToRecord();
                    _lastEventSequence = record.Sequence;
                    PersistAll<IMessage>([AppStateSyncs.ToRecord(encoded.State, version + 1), record], stored =>
                    {
                        switch (stored)
                        {
                            case AppStateCollectionStored written:
                                ApplyAppStateCollection(written);
                                break;
                            case SessionEventRecord written:
                                ApplyEvent(written);
                                AppStateLog.Written(_logger, _id.Value, collection, version);
                                ChatModificationDone(replyTo, new ChatModified(_id, command.Chat, collection, version));
                                break;
                        }
                    });
                    break;
                case IqRefused { Error.Code: 409 } when attempt == 1:
                    SyncAppState([collection], () => UploadChatModification(command, replyTo, collection, mutation, attempt: 2));
                    break;
                case IqRefused { Error.Code: 409 }:
                    ChatModificationDone(replyTo, new ChatModifyRefused(_id, ChatModifyRefusal.Conflict, $"{collection} changed on another device twice while this write was built"));
                    break;
                default:
                    AppStateLog.FetchFailed(_logger, _id.Value, collection + " (upload)", outcome.ToString());
                    ChatModificationDone(replyTo, new ChatModifyRefused(_id, ChatModifyRefusal.Unanswered, "the server did not take the patch: " + outcome.GetType().Name));
                    break;
            }
        });
    }

    private void ChatModificationDone(IActorRef replyTo, Reply reply)
    {
        replyTo.Tell(reply);
        NextChatModification();
    }

    /// <summary>A fetch answer with its external blobs read, back on the actor.</summary>
    private sealed record AppStateBlobsRead(IReadOnlyList<string> Wanted, IReadOnlyList<FetchedCollection> Collections);
}
