-- Customer search text carries LIKE's special characters as private-use characters
-- (see escapeSearchText in src/domain/customers/customer.rules.ts).
UPDATE "customers"
SET "search_text" = replace(replace(replace("search_text", '\', chr(57346)), '%', chr(57344)), '_', chr(57345));
