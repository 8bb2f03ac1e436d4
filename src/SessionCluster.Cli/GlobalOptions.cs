using System.CommandLine;

namespace SessionCluster.Cli;

/// <summary>The options every verb takes, before or after it: where the node is, the admin key, <c>--json</c>, the tenant, the timeout.</summary>
internal sealed class GlobalOptions
{
    /// <summary>The node's default HTTP address (a node's <c>SC:Node:HttpUrl</c> default).</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    public const string UrlVariable = "SC_URL";

    public const string AdminKeyVariable = "SC_ADMIN_KEY";

    public Option<string?> Url { get; } = new("--url") { Description = $"The node's HTTP address (default: ${UrlVariable}, else {DefaultUrl})", Recursive = true };

    public Option<string?> AdminKey { get; } = new("--admin-key") { Description = $"The admin key (default: --admin-key-file, else ${AdminKeyVariable})", Recursive = true };

    public Option<FileInfo?> AdminKeyFile { get; } = new("--admin-key-file") { Description = "A file holding the admin key (a node's <data>/admin.key)", Recursive = true };

    public Option<bool> Json { get; } = new("--json") { Description = "One JSON document on stdout instead of tables (errors as JSON on stderr)", Recursive = true };

    public Option<string?> Tenant { get; } = new("--tenant") { Description = "The tenant the session and webhook verbs act in (X-Tenant-Id; default: the tenant 'default')", Recursive = true };

    public Option<int> Timeout { get; } = new("--timeout") { Description = "Seconds to wait for each answer", Recursive = true, DefaultValueFactory = _ => 30 };

    public void AddTo(Command root)
    {
        root.Options.Add(Url);
        root.Options.Add(AdminKey);
        root.Options.Add(AdminKeyFile);
        root.Options.Add(Json);
        root.Options.Add(Tenant);
        root.Options.Add(Timeout);
    }

    /// <summary>The node's address and the admin key from the options and <paramref name="environment"/>; a usage failure when either is missing or wrong.</summary>
    public (Uri Url, string AdminKey) Resolve(ParseResult parse, Func<string, string?> environment)
    {
        var url = parse.GetValue(Url) ?? environment(UrlVariable) ?? DefaultUrl;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ScctlException(ScctlFailure.Usage, $"--url must be an http:// or https:// address, not '{url}'");
        }

        if (parse.GetValue(Timeout) is < 1 or > 3600)
        {
            throw new ScctlException(ScctlFailure.Usage, "--timeout is 1 to 3600 seconds");
        }

        var key = parse.GetValue(AdminKey);
        if (key is null && parse.GetValue(AdminKeyFile) is { } file)
        {
            try
            {
                key = File.ReadAllText(file.FullName).Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ScctlException(ScctlFailure.Usage, $"cannot read --admin-key-file {file.FullName}: {e.Message}", inner: e);
            }
        }

        key ??= environment(AdminKeyVariable);
        if (string.IsNullOrWhiteSpace(key))
        {
            throw new ScctlException(ScctlFailure.Usage, $"no admin key: pass --admin-key, --admin-key-file or set ${AdminKeyVariable}");
        }

        return (uri, key.Trim());
    }
}
