using Microsoft.Azure.Amqp;

namespace MigrateHub.LocalAzure.ServiceBus;

/// <summary>A receiver attached to a queue: the broker side is a sending link.</summary>
internal sealed class Consumer
{
    public Consumer(QueueEntity entity, SendingAmqpLink link)
    {
        Entity = entity;
        Link = link;
    }

    public QueueEntity Entity { get; }

    public SendingAmqpLink Link { get; }

    public bool SettleOnSend => Link.Settings.SettleType == SettleMode.SettleOnSend;

    /// <summary>Set for session receivers once a session is accepted.</summary>
    public SessionState? Session { get; set; }

    public bool IsClosed { get; set; }

    public void Start()
    {
        Link.RegisterCreditListener((_, _, _) => Entity.OnCredit(this));
        Link.RegisterDispositionListener(delivery => Entity.OnDisposition(this, delivery));
        Link.SafeAddClosed((_, _) => Entity.OnConsumerClosed(this));
    }
}

internal sealed class SessionState
{
    public SessionState(string id)
    {
        Id = id;
    }

    public string Id { get; }

    /// <summary>Sequence numbers of the session's messages ready for delivery, in order.</summary>
    public SortedSet<long> Ready { get; } = new();

    public byte[]? State { get; set; }

    public Consumer? Owner { get; set; }

    public DateTime LockedUntil { get; set; }
}
