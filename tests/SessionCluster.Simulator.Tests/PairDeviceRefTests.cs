using System.Net;
using SessionCluster.Simulator.Tests.Support;

namespace SessionCluster.Simulator.Tests;

public sealed class PairDeviceRefTests
{
    private static readonly SimulatorOptions ShortRefs = new()
    {
        FirstRefLifetime = TimeSpan.FromMilliseconds(2000),
        NextRefLifetime = TimeSpan.FromMilliseconds(2500),
    };

    [Fact]
    public async Task A_ref_that_rotated_away_is_refused_and_the_current_one_links()
    {
        await using var host = await TestSimulator.StartAsync(ShortRefs);
        var phone = await TestSimulator.CreateAccountAsync(host);
        var device = new TestDevice();
        var (connection, refs) = await TestLinking.RegisterAsync(host, device);
        await using (connection)
        {
            using var http = new HttpClient();
            using (var early = await http.PostAsync($"{host.AdminUrl}/accounts/{phone}/link", TestSimulator.Json(new { qr = device.Qr(refs[1]) })))
            {
                Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(2300));
            using (var expired = await http.PostAsync($"{host.AdminUrl}/accounts/{phone}/link", TestSimulator.Json(new { qr = device.Qr(refs[0]) })))
            {
                Assert.Equal(HttpStatusCode.Gone, expired.StatusCode);
                Assert.Equal("application/problem+json", expired.Content.Headers.ContentType?.MediaType);
            }

            using var linked = await TestLinking.ScanAsync(host, phone, device, connection, refs[1]);
            Assert.Equal(HttpStatusCode.OK, linked.StatusCode);
        }
    }

    [Fact]
    public async Task Every_ref_is_refused_once_all_have_rotated_away()
    {
        await using var host = await TestSimulator.StartAsync(ShortRefs with { FirstRefLifetime = TimeSpan.FromMilliseconds(200), NextRefLifetime = TimeSpan.FromMilliseconds(100) });
        var phone = await TestSimulator.CreateAccountAsync(host);
        var device = new TestDevice();
        var (connection, refs) = await TestLinking.RegisterAsync(host, device);
        await using (connection)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(900));
            using var http = new HttpClient();
            foreach (var reference in refs)
            {
                using var response = await http.PostAsync($"{host.AdminUrl}/accounts/{phone}/link", TestSimulator.Json(new { qr = device.Qr(reference) }));
                Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
            }
        }
    }
}
