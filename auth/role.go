// Package auth knows who is asking: the observatory's roles and what each may do, users with
// argon2id password hashes, API tokens and web sessions stored only as SHA-256 of random
// secrets, and the HTTP middleware that identifies a request and checks its permission.
package auth

import (
	"fmt"
	"slices"
)

// Role is what a user may see. Anonymous requests have the Public role.
type Role string

// The roles, from docs/privacy.md.
const (
	Public         Role = "public"
	Planner        Role = "planner"
	HousingOffice  Role = "housing_office"
	LinkageOfficer Role = "linkage_officer"
	Administrator  Role = "administrator"
)

// Roles lists every role, anonymous first.
var Roles = []Role{Public, Planner, HousingOffice, LinkageOfficer, Administrator}

// UserRoles are the roles a user account can have (Public is for anonymous requests only).
var UserRoles = Roles[1:]

// Permission is one kind of access.
type Permission string

// The permissions. Every role reads the published figures: they are public.
const (
	ReadPublished  Permission = "read published figures"
	ReadAggregates Permission = "read restricted aggregates"
	ReadPeople     Permission = "read person-level data"
	ManageLinkage  Permission = "manage linkage"
	Administer     Permission = "administer users and audit"
)

// Permissions lists every permission, from the widest audience to the narrowest.
var Permissions = []Permission{ReadPublished, ReadAggregates, ReadPeople, ManageLinkage, Administer}

var grants = map[Role][]Permission{
	Public:         {ReadPublished},
	Planner:        {ReadPublished, ReadAggregates},
	HousingOffice:  {ReadPublished, ReadAggregates, ReadPeople},
	LinkageOfficer: {ReadPublished, ManageLinkage},
	Administrator:  {ReadPublished, Administer},
}

// Can reports whether the role has the permission.
func (r Role) Can(p Permission) bool { return slices.Contains(grants[r], p) }

// DatabaseRole is the PostgreSQL role a request of this role runs as (migrations/00007).
func (r Role) DatabaseRole() string { return "abitare_" + string(r) }

// ParseRole checks a role name given by a user of the command line or the API.
func ParseRole(s string) (Role, error) {
	for _, r := range UserRoles {
		if string(r) == s {
			return r, nil
		}
	}
	return "", fmt.Errorf("unknown role %q: want one of planner, housing_office, linkage_officer, administrator", s)
}
