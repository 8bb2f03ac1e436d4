using Microsoft.Extensions.Configuration;
using SessionCluster.Host.Options;

namespace SessionCluster.Host.Tests;

/// <summary>Settings a node cannot start with are refused before anything starts, each with a typed error naming its key.</summary>
public sealed class NodeOptionsTests
{
    [Fact]
    public void The_defaults_are_a_node_on_sqlite_under_data_through_our_own_journal()
    {
        var settings = NodeSettings.From(Configuration());

        Assert.Equal(PersistenceProvider.SessionCluster, settings.Persistence.ProviderKind);
        Assert.Equal(PersistenceEngine.Sqlite, settings.Persistence.EngineKind);
        Assert.Equal(Path.GetFullPath("./data"), settings.Node.DataFolderFullPath);
        Assert.Equal("http://127.0.0.1:5080", settings.Node.HttpUrl);
        Assert.Equal(5081, settings.Node.RemotingPort);
    }

    [Fact]
    public void Sessions_connect_to_WhatsApps_production_server_with_its_root_and_the_system_TLS_roots_by_default()
    {
        var server = NodeSettings.From(Configuration()).WhatsApp.ToServerSettings();

        Assert.Equal(Sessions.SessionServerSettings.Production.ServerUri, server.ServerUri);
        Assert.Equal(Protocol.Noise.NoiseProtocol.WhatsAppRootPublicKey.ToArray(), server.RootPublicKey.ToArray());
        Assert.Null(server.PinnedCertificate);
    }

    [Fact]
    public void A_simulator_is_chosen_by_its_url_root_key_and_certificate_file()
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        using var certificate = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=127.0.0.1", key, System.Security.Cryptography.HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var pem = Path.GetTempFileName();
        try
        {
            File.WriteAllText(pem, certificate.ExportCertificatePem());
            var root = new string('a', 64);

            var server = NodeSettings.From(Configuration(
                ("SC:WhatsApp:ServerUrl", "wss://127.0.0.1:9443/ws/chat"),
                ("SC:WhatsApp:RootPublicKey", root),
                ("SC:WhatsApp:TrustedCertificateFile", pem))).WhatsApp.ToServerSettings();

            Assert.Equal(new Uri("wss://127.0.0.1:9443/ws/chat"), server.ServerUri);
            Assert.Equal(Convert.FromHexString(root), server.RootPublicKey.ToArray());
            Assert.Equal(certificate.Thumbprint, server.PinnedCertificate!.Thumbprint);
        }
        finally
        {
            File.Delete(pem);
        }
    }

    [Theory]
    [InlineData("SC:WhatsApp:ServerUrl", "https://web.whatsapp.com/ws/chat")]
    [InlineData("SC:WhatsApp:RootPublicKey", "abcd")]
    [InlineData("SC:WhatsApp:TrustedCertificateFile", "/nonexistent/simulator.pem")]
    public void A_server_setting_the_sessions_cannot_connect_with_is_refused_naming_its_key(string key, string value)
    {
        var error = Assert.Throws<NodeConfigurationException>(() => NodeSettings.From(Configuration((key, value))));

        Assert.Equal(key, error.Key);
    }

    [Fact]
    public void An_unknown_engine_is_a_configuration_error_naming_the_engine_key()
    {
        var error = Assert.Throws<NodeConfigurationException>(() => NodeSettings.From(Configuration(("SC:Persistence:Engine", "oracle"))));

        Assert.Equal("SC:Persistence:Engine", error.Key);
        Assert.Contains("'oracle'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_postgres_engine_without_a_connection_string_is_a_configuration_error_naming_the_connection_string_key()
    {
        var error = Assert.Throws<NodeConfigurationException>(() => NodeSettings.From(Configuration(("SC:Persistence:Engine", "postgres"))));

        Assert.Equal("SC:Persistence:ConnectionString", error.Key);
    }

    [Fact]
    public void A_connection_string_with_the_sqlite_engine_is_refused_because_the_file_always_lives_in_the_data_folder()
    {
        var error = Assert.Throws<NodeConfigurationException>(() => NodeSettings.From(Configuration(("SC:Persistence:ConnectionString", "Data Source=x.db"))));

        Assert.Equal("SC:Persistence:ConnectionString", error.Key);
    }

    [Fact]
    public void Akka_Persistence_Sql_stays_selectable_and_keeps_its_own_sqlite_file()
    {
        var settings = NodeSettings.From(Configuration(("SC:Persistence:Provider", "sql")));

        Assert.Equal(PersistenceProvider.Sql, settings.Persistence.ProviderKind);
        Assert.Equal("akka-persistence-sql.db", Path.GetFileName(Composition.PersistenceComposition.SqliteFile(settings)));
        Assert.Equal("sessioncluster.db", Path.GetFileName(Composition.PersistenceComposition.SqliteFile(NodeSettings.From(Configuration()))));
    }

    [Fact]
    public void An_unknown_provider_is_a_configuration_error_naming_the_provider_key()
    {
        var error = Assert.Throws<NodeConfigurationException>(() => NodeSettings.From(Configuration(("SC:Persistence:Provider", "cassandra"))));

        Assert.Equal("SC:Persistence:Provider", error.Key);
    }

    [Theory]
    [InlineData("SC:Node:RemotingPort", "70000", "SC:Node:RemotingPort")]
    [InlineData("SC:Node:RemotingPort", "not-a-port", "SC:Node")]
    [InlineData("SC:Node:HttpUrl", "127.0.0.1:5080", "SC:Node:HttpUrl")]
    [InlineData("SC:Node:DataFolder", " ", "SC:Node:DataFolder")]
    [InlineData("SC:Node:LogFormat", "xml", "SC:Node:LogFormat")]
    [InlineData("SC:Metrics:TopSessions", "101", "SC:Metrics:TopSessions")]
    [InlineData("SC:Metrics:TopSessions", "-1", "SC:Metrics:TopSessions")]
    public void A_node_setting_out_of_range_or_unparsable_is_a_configuration_error_naming_its_key(string key, string value, string expectedKey)
    {
        var error = Assert.Throws<NodeConfigurationException>(() => NodeSettings.From(Configuration((key, value))));

        Assert.Equal(expectedKey, error.Key);
    }

    [Fact]
    public void Files_by_link_come_from_public_addresses_only_up_to_100_MiB_in_a_minute_by_default_and_SC_Edge_Media_changes_that()
    {
        var defaults = NodeSettings.From(Configuration()).Edge.Media;
        Assert.Equal((false, 100L * 1024 * 1024, TimeSpan.FromMinutes(1), 3), (defaults.AllowPrivateNetworks, defaults.MaxBytes, defaults.Timeout, defaults.MaxRedirects));

        var set = NodeSettings.From(Configuration(("SC:Edge:Media:AllowPrivateNetworks", "true"), ("SC:Edge:Media:MaxBytes", "1000"))).Edge.Media;
        Assert.Equal((true, 1000L), (set.AllowPrivateNetworks, set.MaxBytes));
    }

    [Theory]
    [InlineData("SC:Edge:Media:MaxBytes", "0")]
    [InlineData("SC:Edge:Media:Timeout", "00:00:00")]
    [InlineData("SC:Edge:Media:MaxRedirects", "11")]
    public void A_link_download_setting_out_of_range_is_a_configuration_error_naming_its_key(string key, string value)
    {
        var error = Assert.Throws<NodeConfigurationException>(() => NodeSettings.From(Configuration((key, value))));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sessions_are_not_paced_by_default_and_a_node_wide_send_rate_is_taken_from_SC_Sessions()
    {
        Assert.Null(NodeSettings.From(Configuration()).Sessions.DefaultSendRate);

        var paced = NodeSettings.From(Configuration(("SC:Sessions:SendRatePerSecond", "1"), ("SC:Sessions:SendRateBurst", "5")));

        Assert.Equal(new Sessions.SendRate(1, 5), paced.Sessions.DefaultSendRate);
    }

    [Theory]
    [InlineData("SC:Sessions:SendRatePerSecond", "1", null, null, "SC:Sessions:SendRatePerSecond")]
    [InlineData("SC:Sessions:SendRateBurst", "5", null, null, "SC:Sessions:SendRatePerSecond")]
    [InlineData("SC:Sessions:SendRatePerSecond", "0", "SC:Sessions:SendRateBurst", "5", "SC:Sessions:SendRatePerSecond")]
    [InlineData("SC:Sessions:SendRatePerSecond", "51", "SC:Sessions:SendRateBurst", "5", "SC:Sessions:SendRatePerSecond")]
    [InlineData("SC:Sessions:SendRatePerSecond", "1", "SC:Sessions:SendRateBurst", "0", "SC:Sessions:SendRateBurst")]
    [InlineData("SC:Sessions:SendRatePerSecond", "1", "SC:Sessions:SendRateBurst", "101", "SC:Sessions:SendRateBurst")]
    public void A_node_send_rate_the_sessions_would_refuse_or_half_of_one_is_a_configuration_error_naming_its_key(
        string key, string value, string? otherKey, string? otherValue, string expectedKey)
    {
        var values = otherKey is null ? new[] { (key, value) } : [(key, value), (otherKey, otherValue!)];

        var error = Assert.Throws<NodeConfigurationException>(() => NodeSettings.From(Configuration(values)));

        Assert.Equal(expectedKey, error.Key);
    }

    [Fact]
    public void Building_a_node_with_a_refused_setting_throws_the_typed_error_before_anything_starts()
    {
        var error = Assert.Throws<NodeConfigurationException>(() => NodeHost.Build(["--SC:Persistence:Engine=postgres"]));

        Assert.Equal("SC:Persistence:ConnectionString", error.Key);
    }

    [Fact]
    public void The_data_switch_sets_the_data_folder()
    {
        var configuration = new ConfigurationBuilder().AddCommandLine(["--data", "/tmp/elsewhere"], NodeHost.SwitchMappings).Build();

        Assert.Equal("/tmp/elsewhere", NodeSettings.From(configuration).Node.DataFolderFullPath);
    }

    [Fact]
    public void A_node_has_both_roles_by_default_and_exactly_the_roles_it_is_given_otherwise()
    {
        Assert.Equal(["sessions", "edge"], NodeSettings.From(Configuration()).Cluster.EffectiveRoles);
        var edgeOnly = NodeSettings.From(Configuration(("SC:Cluster:Roles:0", "edge"))).Cluster;
        Assert.Equal(["edge"], edgeOnly.EffectiveRoles);
        Assert.False(edgeOnly.HostsSessions);
        Assert.True(NodeSettings.From(Configuration(("SC:Cluster:Roles:0", "sessions"))).Cluster is { HostsSessions: true, ServesEdge: false });
    }

    [Fact]
    public void Cluster_settings_a_node_cannot_start_with_are_refused_naming_their_key()
    {
        Assert.Equal("SC:Cluster:Roles", Assert.Throws<NodeConfigurationException>(() => NodeSettings.From(Configuration(("SC:Cluster:Roles:0", "web")))).Key);
        Assert.Equal("SC:Cluster:SeedNodes", Assert.Throws<NodeConfigurationException>(() => NodeSettings.From(Configuration(("SC:Cluster:SeedNodes:0", "10.0.0.5:5081")))).Key);
        Assert.Equal("SC:Cluster:Discovery", Assert.Throws<NodeConfigurationException>(() => NodeSettings.From(Configuration(("SC:Cluster:Discovery", "consul")))).Key);
        Assert.Equal("SC:Cluster:ReconnectsPerSecond", Assert.Throws<NodeConfigurationException>(() => NodeSettings.From(Configuration(("SC:Cluster:ReconnectsPerSecond", "0")))).Key);

        // Nodes of a cluster share one database: seeds on the embedded SQLite file are refused.
        var onSqlite = Assert.Throws<NodeConfigurationException>(() => NodeSettings.From(Configuration(("SC:Cluster:SeedNodes:0", "akka.tcp://sessioncluster@10.0.0.5:5081"))));
        Assert.Equal("SC:Persistence:Engine", onSqlite.Key);
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();
}
