namespace SessionCluster.Host.Options;

/// <summary>Which Akka.Persistence journal and snapshot plugin the node uses.</summary>
public enum PersistenceProvider
{
    /// <summary>Akka.Persistence.Sql (linq2db), through Akka.Persistence.Sql.Hosting.</summary>
    Sql,

    /// <summary>The project's own plugin (SessionCluster.Persistence). Not built into this node yet.</summary>
    SessionCluster,
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

    /// <summary>The SQLite file's name inside the data folder.</summary>
    public const string SqliteFileName = "sessioncluster.db";

    /// <summary>
    /// Default <c>sql</c>: Akka.Persistence.Sql, the journal that is built into this node today. <c>sessioncluster</c>
    /// (the project's own journal, measured much faster) becomes the default when SessionCluster.Persistence is merged;
    /// until then it is refused at start-up.
    /// </summary>
    public string Provider { get; init; } = "sql";

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
        var provider = ParseProvider(Provider) ?? throw UnknownProvider();
        if (provider == PersistenceProvider.SessionCluster)
        {
            throw new NodeConfigurationException($"{Section}:{nameof(Provider)}",
                "'sessioncluster' (the project's own journal) is not built into this node yet; use 'sql' (Akka.Persistence.Sql).");
        }

        switch (ParseEngine(Engine) ?? throw UnknownEngine())
        {
            case PersistenceEngine.Postgres when string.IsNullOrWhiteSpace(ConnectionString):
                throw new NodeConfigurationException($"{Section}:{nameof(ConnectionString)}",
                    "is required when the engine is 'postgres' (an Npgsql connection string: Host=...;Database=...;Username=...).");
            case PersistenceEngine.Sqlite when !string.IsNullOrWhiteSpace(ConnectionString):
                throw new NodeConfigurationException($"{Section}:{nameof(ConnectionString)}",
                    $"is only for 'postgres'; the SQLite journal is always <data folder>/{SqliteFileName} (set SC:Node:DataFolder or --data).");
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
        new($"{Section}:{nameof(Provider)}", $"'{Provider}' is not a persistence provider; use 'sql' (or 'sessioncluster' once it is built in).");

    private NodeConfigurationException UnknownEngine() =>
        new($"{Section}:{nameof(Engine)}", $"'{Engine}' is not a database engine; use 'sqlite' or 'postgres'.");
}
