namespace SessionCluster.Host.Options;

/// <summary>Which Akka.Persistence journal and snapshot plugin the node uses.</summary>
public enum PersistenceProvider
{
    /// <summary>
    /// The default: the project's choice per engine (SessionCluster.Persistence, docs/PERSISTENCE.md): our own plugins
    /// on SQLite, Akka.Persistence.Sql on PostgreSQL.
    /// </summary>
    SessionCluster,

    /// <summary>Akka.Persistence.Sql (linq2db) on either engine: selectable on SQLite, the same as the default on PostgreSQL.</summary>
    Sql,
}

/// <summary>The database the provider writes to.</summary>
public enum PersistenceEngine
{
    /// <summary>An embedded SQLite file under the data folder.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server, reached with <see cref="PersistenceOptions.ConnectionString"/>.</summary>
    Postgres,
}

/// <summary>
/// Where the node's actors keep their events and snapshots. Bound from the configuration section <c>SC:Persistence</c>.
/// The values stay strings as configured, so that a wrong one is a <see cref="NodeConfigurationException"/> naming the
/// key rather than a binder error; <see cref="ProviderKind"/> and <see cref="EngineKind"/> read them after
/// <see cref="Validate"/>.
/// </summary>
public sealed class PersistenceOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string Section = "SC:Persistence";

    /// <summary>The SQLite file of the <c>sessioncluster</c> provider inside the data folder.</summary>
    public const string SqliteFileName = "sessioncluster.db";

    /// <summary>
    /// The SQLite file of the <c>sql</c> provider inside the data folder: its own file, because the two providers'
    /// schemas both have a <c>journal</c> table and must never meet (on PostgreSQL, give each its own database).
    /// </summary>
    public const string SqlProviderSqliteFileName = "akka-persistence-sql.db";

    /// <summary>
    /// Default <c>sessioncluster</c>: on SQLite the project's own journal and snapshot store (group commit across actors,
    /// writer fencing; 14x–16x Akka.Persistence.Sql through Akka, docs/BENCHMARKS.md "Persistence through Akka"); on
    /// PostgreSQL Akka.Persistence.Sql, because a plugin of our own measures 1.6x–2.0x there, short of the 3x required.
    /// <c>sql</c> selects Akka.Persistence.Sql on SQLite too, on its own file (<see cref="SqlProviderSqliteFileName"/>).
    /// </summary>
    public string Provider { get; init; } = "sessioncluster";

    /// <summary>
    /// Default <c>sqlite</c>: one node on an embedded file needs no server (the file is
    /// <c>&lt;data folder&gt;/sessioncluster.db</c>). <c>postgres</c> is what a cluster uses, with
    /// <see cref="ConnectionString"/>.
    /// </summary>
    public string Engine { get; init; } = "sqlite";

    /// <summary>
    /// No default. An Npgsql connection string, required when <see cref="Engine"/> is <c>postgres</c> and refused with
    /// <c>sqlite</c> (whose file is always in the data folder, so that one folder holds the whole node). Never logged:
    /// the node logs host, port, database and user only.
    /// </summary>
    public string? ConnectionString { get; init; }

    /// <summary>The provider, once <see cref="Validate"/> has accepted it.</summary>
    public PersistenceProvider ProviderKind => ParseProvider(Provider) ?? throw UnknownProvider();

    /// <summary>The engine, once <see cref="Validate"/> has accepted it.</summary>
    public PersistenceEngine EngineKind => ParseEngine(Engine) ?? throw UnknownEngine();

    /// <summary>Throws <see cref="NodeConfigurationException"/> for the first setting this node cannot start with.</summary>
    public void Validate()
    {
        _ = ParseProvider(Provider) ?? throw UnknownProvider();
        switch (ParseEngine(Engine) ?? throw UnknownEngine())
        {
            case PersistenceEngine.Postgres when string.IsNullOrWhiteSpace(ConnectionString):
                throw new NodeConfigurationException($"{Section}:{nameof(ConnectionString)}",
                    "is required when the engine is 'postgres' (an Npgsql connection string: Host=...;Database=...;Username=...).");
            case PersistenceEngine.Sqlite when !string.IsNullOrWhiteSpace(ConnectionString):
                throw new NodeConfigurationException($"{Section}:{nameof(ConnectionString)}",
                    $"is only for 'postgres'; the SQLite journal is always a file in the data folder (set SC:Node:DataFolder or --data).");
        }
    }

    private static PersistenceProvider? ParseProvider(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "sql" => PersistenceProvider.Sql,
        "sessioncluster" => PersistenceProvider.SessionCluster,
        _ => null,
    };

    private static PersistenceEngine? ParseEngine(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "sqlite" => PersistenceEngine.Sqlite,
        "postgres" => PersistenceEngine.Postgres,
        _ => null,
    };

    private NodeConfigurationException UnknownProvider() =>
        new($"{Section}:{nameof(Provider)}", $"'{Provider}' is not a persistence provider; use 'sessioncluster' (the default) or 'sql' (Akka.Persistence.Sql).");

    private NodeConfigurationException UnknownEngine() =>
        new($"{Section}:{nameof(Engine)}", $"'{Engine}' is not a database engine; use 'sqlite' or 'postgres'.");
}
