import {
  DateTimeResolver,
  HexColorCodeResolver,
  JSONObjectResolver,
  LocalDateResolver,
  NonNegativeIntResolver,
  PositiveIntResolver,
} from 'graphql-scalars';
import { builder } from './builder.ts';

// Precise output types tell clients what a value can be. Mutation inputs stay plain String/Int where
// the domain validates them, so a bad value comes back as a userError exactly as REST reports it.
builder.addScalarType('DateTime', DateTimeResolver);
builder.addScalarType('HexColorCode', HexColorCodeResolver);
builder.addScalarType('PositiveInt', PositiveIntResolver);
builder.addScalarType('NonNegativeInt', NonNegativeIntResolver);
builder.addScalarType('LocalDate', LocalDateResolver);
builder.addScalarType('JSONObject', JSONObjectResolver);
