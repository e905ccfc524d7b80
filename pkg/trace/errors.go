package trace

import "errors"

// ErrNoSeed means a trace was asked for without anything to start from.
var ErrNoSeed = errors.New("no seed: give a Message-ID, queue ID, sender, recipient or tag")

// ErrManySeeds means more than one kind of seed was given at once.
var ErrManySeeds = errors.New("more than one seed: give exactly one")

// ErrQueueIDNeedsHost means a queue ID seed came without its host; queue IDs
// are unique only on one host.
var ErrQueueIDNeedsHost = errors.New("a queue id needs its host (HOST:QID)")

// ErrEmptyWindow means the seed's time window ends before it starts.
var ErrEmptyWindow = errors.New("time window ends before it starts")

// ErrHostNeedsQueueID means a queue ID seed named its host but no queue ID.
var ErrHostNeedsQueueID = errors.New("a host needs a queue id after it (HOST:QID)")

// ErrEmptyMessageID means a Message-ID seed is empty once its spaces and
// angle brackets are taken off ("<>", " "): searched for, it would match
// every message that has no Message-ID at all.
var ErrEmptyMessageID = errors.New("the Message-ID is empty without its angle brackets")
