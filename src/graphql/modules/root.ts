import { builder } from '../builder.ts';

// The root types; each module adds its own fields to them. A Subscription type can join them here.
builder.queryType({ description: 'The entry points. Everything is scoped to the store of the bearer token.' });

builder.mutationType({ description: 'Every write. Each takes one `input` and returns a payload with `userErrors`.' });
