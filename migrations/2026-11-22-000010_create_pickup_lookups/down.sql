DROP TABLE pickup_lookups;
