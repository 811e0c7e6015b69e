/**
 * The whole path from an empty AWS account to a serving TiDB: the Terraform-like provisioning
 * drives the Kubernetes model (nodes join, storage classes and local PVs appear, Helm releases
 * create TidbClusters and their operator) until wait-tidb-ready holds.
 */
package io.pdlab.k8s.eks;
