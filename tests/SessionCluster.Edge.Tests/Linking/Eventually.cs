namespace SessionCluster.Edge.Tests;

/// <summary>Reads a value until it is what a test waits for; fails after <see cref="EdgeNode.Deadline"/> (a deadline, not a speed claim).</summary>
internal static class Eventually
{
    public static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what)
    {
        var until = DateTime.UtcNow + EdgeNode.Deadline;
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < until, $"Waited {EdgeNode.Deadline} for {what}.");
            await Task.Delay(200);
        }
    }
}
