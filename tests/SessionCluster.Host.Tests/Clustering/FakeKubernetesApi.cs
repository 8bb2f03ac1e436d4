using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SessionCluster.Host.Tests.Clustering;

/// <summary>
/// The one Kubernetes API call cluster bootstrap makes, served over HTTPS as the API server does:
/// <c>GET /api/v1/namespaces/{namespace}/pods?labelSelector=…</c> with the service account's bearer token, answered
/// with a <c>PodList</c> of the pods added here (running, with their IP and a container port named
/// <c>management</c>). A wrong token is a 401, another namespace or selector an empty list, so a node that asks
/// wrongly finds nobody. It writes what a pod would have: the service account folder (<c>token</c>,
/// <c>namespace</c>) and, since the test runs outside a pod, a kubeconfig naming the server's CA.
/// </summary>
internal sealed class FakeKubernetesApi : IAsyncDisposable
{
    public const string Namespace = "sc-bootstrap";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _pods = new();
    private readonly string _token = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
    private readonly string _labelSelector;

    private FakeKubernetesApi(WebApplication app, string folder, string labelSelector)
    {
        _app = app;
        _labelSelector = labelSelector;
        ServiceAccountFolder = Directory.CreateDirectory(Path.Combine(folder, "serviceaccount")).FullName;
        KubeConfigFile = Path.Combine(folder, "kubeconfig");
    }

    /// <summary>Where the pods' token and namespace are (<c>SC:Cluster:KubernetesServiceAccountPath</c>).</summary>
    public string ServiceAccountFolder { get; }

    /// <summary>The kubeconfig naming this server and its CA (<c>KUBECONFIG</c>: outside a pod, the Kubernetes client reads its CA there).</summary>
    public string KubeConfigFile { get; }

    public int Port { get; private set; }

    /// <summary>Pod list requests that carried the right token, namespace and selector.</summary>
    public int Answered => _answered;

    /// <summary>Requests refused or answered with no pods because they asked wrongly (token, namespace or selector).</summary>
    public ConcurrentQueue<string> Wrong { get; } = new();

    private int _answered;

    public static async Task<FakeKubernetesApi> StartAsync(string folder, string labelSelector)
    {
        var certificate = SelfSignedCertificate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        var app = builder.Build();
        var api = new FakeKubernetesApi(app, folder, labelSelector);
        app.MapGet("/api/v1/namespaces/{ns}/pods", (HttpContext context, string ns) => api.ListPods(context, ns));
        await app.StartAsync();
        api.Port = new Uri(app.Urls.First()).Port;
        await File.WriteAllTextAsync(Path.Combine(api.ServiceAccountFolder, "token"), api._token);
        await File.WriteAllTextAsync(Path.Combine(api.ServiceAccountFolder, "namespace"), Namespace);
        var caFile = Path.Combine(folder, "ca.crt");
        await File.WriteAllTextAsync(caFile, certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(api.KubeConfigFile, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: fake
              cluster:
                server: https://127.0.0.1:{api.Port}
                certificate-authority: {caFile}
            users:
            - name: fake
              user:
                token: not-the-service-account-token
            contexts:
            - name: fake
              context:
                cluster: fake
                user: fake
            current-context: fake
            """);
        return api;
    }

    /// <summary>A running pod named <paramref name="name"/> at 127.0.0.1 whose <c>management</c> port is <paramref name="managementPort"/>.</summary>
    public void AddPod(string name, int managementPort) => _pods[name] = managementPort;

    /// <summary>The environment a node in one of these pods runs with (besides its SC settings).</summary>
    public Dictionary<string, string> PodEnvironment() => new()
    {
        ["KUBERNETES_SERVICE_HOST"] = "127.0.0.1",
        ["KUBERNETES_SERVICE_PORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["KUBECONFIG"] = KubeConfigFile,
    };

    private IResult ListPods(HttpContext context, string ns)
    {
        if (context.Request.Headers.Authorization.ToString() != "Bearer " + _token)
        {
            Wrong.Enqueue("token");
            return Results.Json(new { kind = "Status", apiVersion = "v1", status = "Failure", reason = "Unauthorized", code = 401 }, statusCode: 401);
        }

        var selector = context.Request.Query["labelSelector"].ToString();
        var matches = ns == Namespace && selector == _labelSelector;
        if (!matches)
        {
            Wrong.Enqueue($"namespace {ns}, selector {selector}");
        }
        else
        {
            Interlocked.Increment(ref _answered);
        }

        var items = matches ? _pods.Select(pod => Pod(pod.Key, pod.Value)).ToArray() : [];
        return Results.Json(new { kind = "PodList", apiVersion = "v1", metadata = new { resourceVersion = "1" }, items });
    }

    private object Pod(string name, int managementPort) => new
    {
        metadata = new { name, @namespace = Namespace, labels = new Dictionary<string, string> { [_labelSelector.Split('=')[0]] = _labelSelector.Split('=')[1] } },
        spec = new { containers = new[] { new { name = "sessioncluster", ports = new[] { new { name = "management", containerPort = managementPort, protocol = "TCP" } } } } },
        status = new { phase = "Running", podIP = "127.0.0.1", containerStatuses = Array.Empty<object>() },
    };

    /// <summary>A self-signed certificate for 127.0.0.1 that is its own CA, as a cluster's API server certificate chains to the cluster CA.</summary>
    private static X509Certificate2 SelfSignedCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=fake-kubernetes-api", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
