using Microsoft.Extensions.Logging;
using SessionCluster.Simulator.Connections;
using SessionCluster.Simulator.Groups;
using SessionCluster.Simulator.Linking;
using SessionCluster.Simulator.Relay;

namespace SessionCluster.Simulator;

/// <summary>
/// The one place the simulator's handlers are built: each gets what it depends on in its constructor, and the routers
/// get the handlers. Each is built on first use. Device 0 (<see cref="PrimaryDevices"/>) can be replaced by a test at any
/// time, so the queues and the bundle fetch get a function that reads it; and since the phones send through the relay
/// whose queues deliver to them, the phones read the relay through a function too (<see cref="Phones"/>).
/// </summary>
/// <remarks>
/// Handlers that keep no state and need nothing (<see cref="KeepAlive"/>, <see cref="InitQueries"/>,
/// <see cref="InfoBroadcast"/>) stay static.
/// </remarks>
internal sealed partial class SimulatorServer
{
    /// <summary>Every stanza a logged-in or registering client sends goes through this.</summary>
    public StanzaRouter Router => LazyInitializer.EnsureInitialized(ref field, () => new(Iqs, Presence, Relay, Calls));

    /// <summary>Every device's offline queue: what the relay, notifications and device-list changes deliver goes through it.</summary>
    public DeviceQueues DeviceQueues => LazyInitializer.EnsureInitialized(
        ref field, () => new(Accounts, Connections, Stats, () => PrimaryDevices, LoggerFactory.CreateLogger<DeviceQueues>()));

    /// <summary>The message relay: 1:1 and group fan-out, receipts and acks.</summary>
    public MessageRelay Relay => LazyInitializer.EnsureInitialized(ref field, () => new(
        Accounts,
        DeviceQueues,
        new GroupFanOut(Accounts, Groups, DeviceQueues, Stats, Clock, LoggerFactory.CreateLogger<GroupFanOut>()),
        new GroupReceipts(Accounts, Groups, DeviceQueues, Stats, Clock, LoggerFactory.CreateLogger<GroupReceipts>()),
        new StatusBroadcast(Accounts, DeviceQueues, Stats, Clock, LoggerFactory.CreateLogger<StatusBroadcast>()),
        Stats,
        Clock,
        LoggerFactory.CreateLogger<MessageRelay>()));

    /// <summary>Device lists for usync and devices notifications.</summary>
    public DeviceLists DeviceLists => LazyInitializer.EnsureInitialized(ref field, () => new(DeviceQueues, Stats, Clock));

    /// <summary><c>w:gp2</c> notifications of group changes, from the <c>w:g2</c> iqs and the admin API.</summary>
    public GroupNotifications GroupNotifications => LazyInitializer.EnsureInitialized(ref field, () => new(Accounts, DeviceQueues, Stats, Clock));

    /// <summary>A paired companion logging in.</summary>
    public Login Login => LazyInitializer.EnsureInitialized(
        ref field, () => new(Accounts, Connections, Stats, Clock, LoggerFactory.CreateLogger<Login>()));

    /// <summary>Presence subscriptions and chatstate routing.</summary>
    public Presence Presence => LazyInitializer.EnsureInitialized(
        ref field, () => new(Accounts, Connections, Clock, (account, chatstate) => Phones.Get(account).Inbox.AddChatstate(chatstate)));

    /// <summary>Calls: a phone's offer to another account's companions (the admin API), and their rejects.</summary>
    public Calls Calls => LazyInitializer.EnsureInitialized(ref field, () => new(DeviceQueues, Clock));

    public ProfilePictures ProfilePictures => LazyInitializer.EnsureInitialized(ref field, () => new(Accounts));

    /// <summary>A companion removing itself (<c>md</c>), and the phone unlinking one (the admin API).</summary>
    public CompanionDevices CompanionDevices => LazyInitializer.EnsureInitialized(ref field, () => new(Accounts, DeviceLists, Connections));

    /// <summary>App-state patches per account and collection, their fetch and upload iqs and the server_sync notifications.</summary>
    public Simulator.AppState.AppStateSync AppState => LazyInitializer.EnsureInitialized(ref field, () => new(
        new Simulator.AppState.AppStatePatches(), DeviceQueues, () => Phones, Clock, LoggerFactory.CreateLogger<Simulator.AppState.AppStateSync>()));

    /// <summary>The companions waiting to be linked by code.</summary>
    public LinkCodeRegistry LinkCodes { get; } = new();

    /// <summary>Pairing by code on the wire: the companion's hello and finish iqs.</summary>
    public LinkCodeRegistration LinkCodeRegistration => LazyInitializer.EnsureInitialized(
        ref field, () => new(Accounts, LinkCodes, Clock, LoggerFactory.CreateLogger<LinkCodeRegistration>()));

    /// <summary>pair-success → pair-device-sign → 515, shared by both ways of linking.</summary>
    public CompanionLinking CompanionLinking => LazyInitializer.EnsureInitialized(
        ref field, () => new(Accounts, DeviceLists, Stats, Options, Clock, LoggerFactory.CreateLogger<CompanionLinking>()));

    /// <summary>The phone scanning a QR (<c>POST /admin/accounts/{phone}/link</c>).</summary>
    public QrLinking QrLinking => LazyInitializer.EnsureInitialized(ref field, () => new(Accounts, Connections, CompanionLinking));

    /// <summary>The phone entering a pairing code (<c>POST /admin/accounts/{phone}/link-code</c>).</summary>
    public LinkCodeLinking LinkCodeLinking => LazyInitializer.EnsureInitialized(
        ref field, () => new(Accounts, LinkCodes, CompanionLinking, Options, Clock, LoggerFactory.CreateLogger<LinkCodeLinking>()));

    private IqRouter Iqs => LazyInitializer.EnsureInitialized(ref field, BuildIqRouter);

    private IqRouter BuildIqRouter()
    {
        var passive = new Passive(DeviceQueues);
        var preKeys = new PreKeys(Accounts, new PreKeyBundles(Accounts, DeviceQueues, Stats, Clock, () => PrimaryDevices));
        var usync = new Usync(Accounts, DeviceLists, Stats);
        var groupIqs = new GroupIqs(Groups, Accounts, GroupNotifications);
        var mediaConn = new Simulator.Media.MediaConn(Media);
        var linkCodes = LinkCodeRegistration;
        var companions = CompanionDevices;
        var handlers = new Dictionary<string, IqRouter.Handler>(StringComparer.Ordinal)
        {
            ["w:p"] = KeepAlive.HandleAsync,
            ["passive"] = passive.HandleAsync,
            ["encrypt"] = preKeys.HandleAsync,
            ["usync"] = usync.HandleAsync,
            ["abt"] = InitQueries.PropsAsync,
            ["blocklist"] = InitQueries.BlocklistAsync,
            ["privacy"] = InitQueries.PrivacyAsync,
            ["urn:xmpp:whatsapp:dirty"] = InitQueries.DirtyAsync,
            ["w:sync:app:state"] = AppState.HandleAsync,
            ["md"] = (connection, iq, cancellationToken) => LinkCodeRegistration.IsLinkCodeIq(iq)
                ? linkCodes.HandleAsync(connection, iq, cancellationToken)
                : companions.HandleAsync(connection, iq, cancellationToken),
            ["w:m"] = mediaConn.HandleAsync,
            ["w:g2"] = groupIqs.HandleAsync,
            ["w:profile:picture"] = ProfilePictures.HandleAsync,
        };
        return new IqRouter(handlers, LoggerFactory.CreateLogger<IqRouter>());
    }
}
