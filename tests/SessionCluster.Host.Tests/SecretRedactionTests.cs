using SessionCluster.Host.Logging;

namespace SessionCluster.Host.Tests;

/// <summary>No password reaches the console, whoever logs it.</summary>
public sealed class SecretRedactionTests
{
    [Theory]
    [InlineData("Host=db;Password=s3cret;Database=x", "Host=db;Password=***;Database=x")]
    [InlineData("connection-string : \"Host=db;Username=u;Pwd=s3cret\"", "connection-string : \"Host=db;Username=u;Pwd=***\"")]
    [InlineData("password = 's3cret'; host=db", "password = ***; host=db")]
    [InlineData("{\"m\":\"Host=db;PASSWORD=s3cret;Port=5432\"}", "{\"m\":\"Host=db;PASSWORD=***;Port=5432\"}")]
    public void A_password_value_in_a_log_line_is_masked_and_the_rest_is_kept(string line, string expected)
    {
        Assert.Equal(expected, SecretRedactingFormatter.Redact(line));
    }
}
