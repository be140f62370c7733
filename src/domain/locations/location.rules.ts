import { FieldErrorCollector } from '../errors.ts';
import { checkText } from '../validation.ts';

/** The attributes of a location a shop can set. */
export interface LocationAttributes {
  name: string;
  address: string;
  latitude: number | null;
  longitude: number | null;
}

function checkCoordinate(errors: FieldErrorCollector, field: string, value: unknown, limit: number): void {
  if (value === null) return;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    errors.add(field, 'must be a number');
  } else if (value < -limit || value > limit) {
    errors.add(field, `must be between -${limit} and ${limit}`);
  }
}

/**
 * Checks a location as it will be after a create or update. Coordinates come as a pair: one without
 * the other cannot place the shop on a map, so it is refused rather than half-stored.
 */
export function validateLocation(merged: LocationAttributes, touched: ReadonlySet<string>): void {
  const errors = new FieldErrorCollector();
  if (touched.has('name')) checkText(errors, 'name', merged.name, { required: true, max: 100 });
  if (touched.has('address')) checkText(errors, 'address', merged.address, { required: true, max: 500 });
  if (touched.has('latitude')) checkCoordinate(errors, 'latitude', merged.latitude, 90);
  if (touched.has('longitude')) checkCoordinate(errors, 'longitude', merged.longitude, 180);
  if ((touched.has('latitude') || touched.has('longitude')) && (merged.latitude === null) !== (merged.longitude === null)) {
    const missing = merged.latitude === null ? 'latitude' : 'longitude';
    errors.add(missing, 'must be given together with the other coordinate');
  }
  errors.throwIfAny();
}
