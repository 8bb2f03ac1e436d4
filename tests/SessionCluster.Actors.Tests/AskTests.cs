using SessionCluster.Actors.TestKit;

namespace SessionCluster.Actors.Tests;

public sealed class AskTests : ActorTestKit
{
    private sealed record Question(string Text, ActorRef<Answer> ReplyTo);
    private sealed record Answer(string Text);

    private sealed class HeldQuestions : Actor<object>
    {
        private Question? _held;

        protected internal override ValueTask ReceiveAsync(object message)
        {
            if (message is Question question) _held = question;
            else if (message is "release") _held?.ReplyTo.Tell(new Answer("late"));
            return default;
        }
    }

    [Fact]
    public async Task Ask_completes_with_the_reply()
    {
        var echo = System.Spawn(() => new LambdaActor<Question>((_, q) =>
        {
            q.ReplyTo.Tell(new Answer(q.Text.ToUpperInvariant()));
            return default;
        }));

        var answer = await echo.AskAsync<Question, Answer>(replyTo => new Question("hi", replyTo), TestHelpers.Generous);

        Assert.Equal(new Answer("HI"), answer);
    }

    [Fact]
    public async Task Ask_without_a_reply_throws_AskTimeoutException_naming_the_target()
    {
        var silent = System.Spawn(() => new LambdaActor<Question>((_, _) => default), "silent");

        var failure = await Assert.ThrowsAsync<AskTimeoutException>(() =>
            silent.AskAsync<Question, Answer>(replyTo => new Question("hi", replyTo), TimeSpan.FromMilliseconds(200)));

        Assert.Contains("/user/silent", failure.Message);
        Assert.Equal(TimeSpan.FromMilliseconds(200), failure.Timeout);
    }

    [Fact]
    public async Task A_reply_after_the_timeout_becomes_a_dead_letter()
    {
        ExpectDeadLetters();
        var deadLetter = new TaskCompletionSource<DeadLetter>(TaskCreationOptions.RunContinuationsAsynchronously);
        System.DeadLetters.Published += letter => deadLetter.TrySetResult(letter);
        var holder = System.Spawn<object>(() => new HeldQuestions());

        await Assert.ThrowsAsync<AskTimeoutException>(() =>
            holder.AskAsync<object, Answer>(replyTo => new Question("hi", replyTo), TimeSpan.FromMilliseconds(100)));
        holder.Tell("release");

        var letter = await deadLetter.Task.WaitAsync(TestHelpers.Generous);
        Assert.Equal(new Answer("late"), letter.Message);
        Assert.Equal(DeadLetterReason.AskAlreadyCompleted, letter.Reason);
    }

    [Fact]
    public async Task Ask_honours_cancellation()
    {
        var silent = System.Spawn(() => new LambdaActor<Question>((_, _) => default));
        using var cancellation = new CancellationTokenSource();

        var ask = silent.AskAsync<Question, Answer>(replyTo => new Question("hi", replyTo), TestHelpers.Generous, cancellation.Token);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ask);
    }
}
