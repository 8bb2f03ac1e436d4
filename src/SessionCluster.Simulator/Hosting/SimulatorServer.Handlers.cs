using Microsoft.Extensions.Logging;
using SessionCluster.Simulator.Connections;
using SessionCluster.Simulator.Linking;

namespace SessionCluster.Simulator;

/// <summary>
/// The one place the simulator's handlers are built: each gets what it depends on in its constructor, and the routers
/// get the handlers. Each is built on first use, like the relay and the device lists it may need.
/// </summary>
/// <remarks>
/// <c>usync</c> (DeviceLists.cs), <c>w:g2</c> (Groups/GroupIqs), the bundle fetch (PreKeyBundles.cs, called by
/// <see cref="PreKeys"/>) and the message relay still reach what they need through
/// <see cref="ChatConnection.Server"/>; they are wired here as they are until they take their dependencies too.
/// Handlers that keep no state and need nothing (<see cref="KeepAlive"/>, <see cref="InitQueries"/>,
/// <see cref="AppStateSync"/>, <see cref="InfoBroadcast"/>) stay static.
/// </remarks>
internal sealed partial class SimulatorServer
{
    /// <summary>Every stanza a logged-in or registering client sends goes through this.</summary>
    public StanzaRouter Router => LazyInitializer.EnsureInitialized(ref field, () => new(Iqs, Presence, Relay));

    /// <summary>A paired companion logging in.</summary>
    public Login Login => LazyInitializer.EnsureInitialized(
        ref field, () => new(Accounts, Connections, Stats, Clock, LoggerFactory.CreateLogger<Login>()));

    /// <summary>Presence subscriptions and chatstate routing.</summary>
    public Presence Presence => LazyInitializer.EnsureInitialized(ref field, () => new(Accounts, Connections, Clock));

    /// <summary>A companion removing itself (<c>md</c>), and the phone unlinking one (the admin API).</summary>
    public CompanionDevices CompanionDevices => LazyInitializer.EnsureInitialized(ref field, () => new(Accounts, DeviceLists, Connections));

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
        var passive = new Passive(Relay);
        var preKeys = new PreKeys(Accounts);
        var mediaConn = new Simulator.Media.MediaConn(Media);
        var linkCodes = LinkCodeRegistration;
        var companions = CompanionDevices;
        var handlers = new Dictionary<string, IqRouter.Handler>(StringComparer.Ordinal)
        {
            ["w:p"] = KeepAlive.HandleAsync,
            ["passive"] = passive.HandleAsync,
            ["encrypt"] = preKeys.HandleAsync,
            ["usync"] = Usync.HandleAsync,
            ["abt"] = InitQueries.PropsAsync,
            ["blocklist"] = InitQueries.BlocklistAsync,
            ["privacy"] = InitQueries.PrivacyAsync,
            ["urn:xmpp:whatsapp:dirty"] = InitQueries.DirtyAsync,
            ["w:sync:app:state"] = AppStateSync.HandleAsync,
            ["md"] = (connection, iq, cancellationToken) => LinkCodeRegistration.IsLinkCodeIq(iq)
                ? linkCodes.HandleAsync(connection, iq, cancellationToken)
                : companions.HandleAsync(connection, iq, cancellationToken),
            ["w:m"] = mediaConn.HandleAsync,
            ["w:g2"] = Simulator.Groups.GroupIqs.HandleAsync,
        };
        return new IqRouter(handlers, LoggerFactory.CreateLogger<IqRouter>());
    }
}
