import { builder } from '../builder.ts';

// The root types; each module adds its own fields to them.
builder.queryType({ description: 'The entry points. Everything is scoped to the store of the bearer token.' });

builder.mutationType({ description: 'Every write. Each takes one `input` and returns a payload with `userErrors`.' });

builder.subscriptionType({
  description:
    'Live updates, over server-sent events (`Accept: text/event-stream`) or WebSocket (graphql-ws) on /graphql. See docs/subscriptions.md.',
});
