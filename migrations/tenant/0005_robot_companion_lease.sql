-- A robot worker process that takes a waiting case along as a companion of another job leases
-- it for a short while (owner = that process), so other worker processes neither take it
-- along nor start their own attempt at it meanwhile: the person's register data is fetched
-- once. Advisory only — correctness rests on the claim and the unique decision/payment; an
-- expired lease (a process that died) is simply taken over.
ALTER TABLE applications
  ADD COLUMN robot_lease_owner uuid,
  ADD COLUMN robot_lease_until timestamptz;
