using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Event;
using Microsoft.Extensions.Logging;
using SessionCluster.Persistence.Sqlite;
using SessionCluster.Persistence.Store;

namespace SessionCluster.Persistence;

/// <summary>
/// The SQLite files of one ActorSystem, opened once each and shared by the journal, the snapshot store and the read
/// journal that name them, so each file keeps its single writer. A file opens on first use; if it cannot (a folder
/// that cannot be created, a file another program holds), the caller gets the error and the next use tries again.
/// They close when the ActorSystem terminates.
/// </summary>
public sealed class EventStores : IExtension
{
    private readonly ConcurrentDictionary<string, Lazy<Database>> _databases = new(StringComparer.Ordinal);
    private readonly ILogger _logger;

    public EventStores(ExtendedActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        _logger = new AkkaLogger(Logging.GetLogger(system, typeof(EventStores)));
        system.RegisterOnTermination(() => CloseAll().GetAwaiter().GetResult());
    }

    public static EventStores Get(ActorSystem system) => system.WithExtension<EventStores, EventStoresProvider>();

    /// <summary>The database a plugin section names (see <see cref="StoreSettings"/>).</summary>
    internal Database For(Akka.Configuration.Config pluginConfig)
    {
        var options = StoreSettings.FromConfig(pluginConfig);
        return _databases.GetOrAdd(Path.GetFullPath(options.Path), _ => new Lazy<Database>(() => new Database(options, _logger))).Value;
    }

    private async Task CloseAll()
    {
        foreach (var database in _databases.Values)
        {
            if (database.IsValueCreated)
            {
                await database.Value.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>One SQLite file, opened on first use and again after a failed open.</summary>
    internal sealed class Database(SqliteStorageOptions options, ILogger logger) : IAsyncDisposable
    {
        private readonly SemaphoreSlim _opening = new(1, 1);
        private volatile Opened? _opened;
        private bool _closed;

        public async ValueTask<IEventStore> EventsAsync(CancellationToken cancellationToken = default) =>
            (await OpenAsync(cancellationToken).ConfigureAwait(false)).Events;

        public async ValueTask<ISnapshotRows> SnapshotsAsync(CancellationToken cancellationToken = default) =>
            (await OpenAsync(cancellationToken).ConfigureAwait(false)).Snapshots;

        public async ValueTask DisposeAsync()
        {
            await _opening.WaitAsync().ConfigureAwait(false);
            try
            {
                _closed = true;
                if (_opened is { } opened)
                {
                    await opened.Close().ConfigureAwait(false);
                }
            }
            finally
            {
                _opening.Release();
            }
        }

        private async ValueTask<Opened> OpenAsync(CancellationToken cancellationToken)
        {
            if (_opened is { } opened)
            {
                return opened;
            }

            await _opening.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                ObjectDisposedException.ThrowIf(_closed, this);
                return _opened ??= Opened.Of(await SqliteDatabase.OpenAsync(options, logger, cancellationToken).ConfigureAwait(false));
            }
            finally
            {
                _opening.Release();
            }
        }

        private sealed record Opened(IEventStore Events, ISnapshotRows Snapshots, Func<ValueTask> Close)
        {
            public static Opened Of(SqliteDatabase d) => new(d.Events, d.Snapshots, d.DisposeAsync);
        }
    }
}

/// <summary>Akka's extension id for <see cref="EventStores"/>.</summary>
public sealed class EventStoresProvider : ExtensionIdProvider<EventStores>
{
    public override EventStores CreateExtension(ExtendedActorSystem system) => new(system);
}
